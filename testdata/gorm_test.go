package testdata_test

// GORM (gorm.io/driver/postgres, over pgx) and lib/pq with pgvector-go's
// types against QuartzDB, logged in as a tenant with an API key: what their
// users do. GORM's AutoMigrate introspects through information_schema and
// pg_catalog; run a second time it must change nothing. pgx and lib/pq
// with the admin login are server's TestVectorPgx and TestVectorDatabaseSQL.

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"github.com/pgvector/pgvector-go"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/quartzdb/quartzdb/server"
)

// gormItem is a model as pgvector-go's README declares one.
type gormItem struct {
	ID int64 `gorm:"primaryKey"`
	// A unique constraint; gormIndexed has the uniqueIndex form, which a
	// QuartzDB gap breaks (see TestGORM/uniqueIndex).
	Name      string          `gorm:"size:100;not null;unique"`
	Embedding pgvector.Vector `gorm:"type:vector(3)"`
	Score     float64         `gorm:"not null;default:0;index"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName keeps the table name independent of GORM's pluralizer.
func (gormItem) TableName() string { return "items" }

// gormIndexed declares its unique column with a unique index instead.
type gormIndexed struct {
	ID        int64           `gorm:"primaryKey"`
	Code      string          `gorm:"size:20;not null;uniqueIndex"`
	Embedding pgvector.Vector `gorm:"type:vector(3)"`
}

// TableName keeps the table name independent of GORM's pluralizer.
func (gormIndexed) TableName() string { return "indexed_items" }

// ormItem is one row of test data.
type ormItem struct {
	name string
	vec  []float32
}

// ormItems and ormQueries give every query point distinct distances.
var (
	ormItems = []ormItem{
		{"a", []float32{1, 0, 0}},
		{"b", []float32{0, 2, 0}},
		{"c", []float32{0, 0, 3}},
		{"d", []float32{1.5, 1, -0.5}},
	}
	ormQueries = [][]float32{{1, 1, 1}, {0, 0, 2}, {2, 0, 0}}
)

// ormNearest is the names of ormItems ordered by L2 distance to q.
func ormNearest(q []float32) []string {
	type cand struct {
		name string
		d    float32
	}
	var c []cand
	for _, it := range ormItems {
		var d float32
		for i := range q {
			d += (it.vec[i] - q[i]) * (it.vec[i] - q[i])
		}
		c = append(c, cand{it.name, d})
	}
	slices.SortFunc(c, func(x, y cand) int {
		switch {
		case x.d < y.d:
			return -1
		case x.d > y.d:
			return 1
		}
		return 0
	})
	names := make([]string, len(c))
	for i, x := range c {
		names[i] = x.name
	}
	return names
}

// sqlRecorder is a GORM logger keeping every statement GORM runs, so the
// second AutoMigrate can be checked for DDL, and a failure can show them.
type sqlRecorder struct {
	mu    sync.Mutex
	stmts []string
}

func (r *sqlRecorder) LogMode(logger.LogLevel) logger.Interface      { return r }
func (r *sqlRecorder) Info(context.Context, string, ...interface{})  {}
func (r *sqlRecorder) Warn(context.Context, string, ...interface{})  {}
func (r *sqlRecorder) Error(context.Context, string, ...interface{}) {}

func (r *sqlRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), err error) {
	stmt, _ := fc()
	if err != nil {
		stmt += " -- error: " + err.Error()
	}
	r.mu.Lock()
	r.stmts = append(r.stmts, stmt)
	r.mu.Unlock()
}

// since returns the statements recorded after the first n.
func (r *sqlRecorder) since(n int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.stmts[n:])
}

func (r *sqlRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.stmts)
}

var ddlRE = regexp.MustCompile(`(?i)^\s*(create|alter|drop|comment)\b`)

// TestGORM runs AutoMigrate twice (the second must send no DDL and leave
// information_schema and pg_indexes as they were), GORM's migrator
// introspection, CRUD and similarity queries.
func TestGORM(t *testing.T) {
	dsn := server.StartTenantTestServer(t, false)
	rec := &sqlRecorder{}
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: rec})
	if err != nil {
		t.Fatalf("gorm.Open: %v", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	fail := func(what string, err error) {
		t.Helper()
		stmts := rec.since(max(0, rec.count()-5))
		t.Fatalf("%s: %v\nlast statements:\n  %s", what, err, strings.Join(stmts, "\n  "))
	}

	if err := db.Exec("CREATE EXTENSION IF NOT EXISTS vector").Error; err != nil {
		fail("create extension", err)
	}
	var before string
	ddl, err := migrateTwice(db, rec, &gormItem{}, func() { before = schemaSnapshot(t, sqlDB, "items") })
	if err != nil {
		fail("AutoMigrate", err)
	}
	if len(ddl) > 0 {
		t.Errorf("second AutoMigrate sent DDL:\n  %s", strings.Join(ddl, "\n  "))
	}
	if after := schemaSnapshot(t, sqlDB, "items"); after != before {
		t.Errorf("second AutoMigrate changed the schema:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	t.Run("migrator", func(t *testing.T) {
		m := db.Migrator()
		if !m.HasTable(&gormItem{}) || m.HasTable("nothing_here") {
			t.Errorf("HasTable: items %v, nothing_here %v", m.HasTable(&gormItem{}), m.HasTable("nothing_here"))
		}
		if !m.HasColumn(&gormItem{}, "Embedding") || m.HasColumn(&gormItem{}, "nope") {
			t.Error("HasColumn: wrong answer for embedding or nope")
		}
		if !m.HasIndex(&gormItem{}, "idx_items_score") || m.HasIndex(&gormItem{}, "idx_nope") {
			t.Error("HasIndex: wrong answer for idx_items_score or idx_nope")
		}
		if !m.HasConstraint(&gormItem{}, "uni_items_name") {
			t.Error("HasConstraint: uni_items_name not found")
		}
		tables, err := m.GetTables()
		if err != nil || !slices.Equal(tables, []string{"items"}) {
			t.Errorf("GetTables = %v, %v", tables, err)
		}
		cols, err := m.ColumnTypes(&gormItem{})
		if err != nil {
			t.Fatalf("ColumnTypes: %v", err)
		}
		var got []string
		for _, c := range cols {
			nullable, _ := c.Nullable()
			length, _ := c.Length()
			pk, _ := c.PrimaryKey()
			unique, _ := c.Unique()
			got = append(got, fmt.Sprintf("%s %s null=%v len=%d pk=%v unique=%v", c.Name(), c.DatabaseTypeName(), nullable, length, pk, unique))
		}
		want := []string{
			// len is 8 * pg_type.typlen when typlen > 0; GORM maps
			// float64 to numeric (its "decimal").
			"id int8 null=false len=64 pk=true unique=false",
			"name varchar null=false len=100 pk=false unique=true",
			"embedding vector null=true len=0 pk=false unique=false",
			"score numeric null=false len=0 pk=false unique=false",
			"created_at timestamptz null=true len=64 pk=false unique=false",
			"updated_at timestamptz null=true len=64 pk=false unique=false",
		}
		if !slices.Equal(got, want) {
			t.Errorf("ColumnTypes:\n got %q\nwant %q", got, want)
		}
		idx, err := m.GetIndexes(&gormItem{})
		if err != nil {
			t.Fatalf("GetIndexes: %v", err)
		}
		var names []string
		for _, i := range idx {
			names = append(names, fmt.Sprintf("%s%v", i.Name(), i.Columns()))
		}
		slices.Sort(names)
		// GORM lists the indexes that back no constraint (no pg_constraint
		// row with conindid = the index): PostgreSQL gives only
		// idx_items_score here, not the unique constraint uni_items_name.
		if want := []string{"idx_items_score[score]"}; !slices.Equal(names, want) {
			t.Errorf("GetIndexes = %q, want %q", names, want)
		}
	})

	t.Run("crud", func(t *testing.T) {
		rows := make([]gormItem, len(ormItems))
		for i, it := range ormItems {
			rows[i] = gormItem{Name: it.name, Embedding: pgvector.NewVector(it.vec)}
		}
		if err := db.Create(&rows).Error; err != nil {
			fail("create", err)
		}
		for i, r := range rows {
			if r.ID != int64(i+1) {
				t.Errorf("row %d: ID = %d", i, r.ID)
			}
		}
		var d gormItem
		if err := db.First(&d, "name = ?", "d").Error; err != nil {
			fail("first", err)
		}
		if !slices.Equal(d.Embedding.Slice(), []float32{1.5, 1, -0.5}) || d.Score != 0 || d.CreatedAt.IsZero() {
			t.Errorf("first: %+v", d)
		}
		for _, q := range ormQueries {
			var near []gormItem
			err := db.Clauses(clause.OrderBy{Expression: clause.Expr{SQL: "embedding <-> ?", Vars: []any{pgvector.NewVector(q)}}}).
				Limit(3).Find(&near).Error
			if err != nil {
				fail("similarity", err)
			}
			var names []string
			for _, r := range near {
				names = append(names, r.Name)
			}
			if want := ormNearest(q)[:3]; !slices.Equal(names, want) {
				t.Errorf("nearest to %v: %v, want %v", q, names, want)
			}
		}
		var dists []struct {
			Name     string
			Distance float64
		}
		if err := db.Model(&gormItem{}).Select("name, embedding <=> ? AS distance", pgvector.NewVector([]float32{0, 0, 1})).
			Order("distance").Limit(1).Scan(&dists).Error; err != nil {
			fail("cosine distance", err)
		}
		if len(dists) != 1 || dists[0].Name != "c" || dists[0].Distance > 1e-6 {
			t.Errorf("cosine nearest: %+v", dists)
		}
		if err := db.Model(&d).Updates(gormItem{Embedding: pgvector.NewVector([]float32{0, 0, 2.5}), Score: 1.5}).Error; err != nil {
			fail("update", err)
		}
		var again gormItem
		if err := db.Take(&again, d.ID).Error; err != nil || again.Score != 1.5 || !slices.Equal(again.Embedding.Slice(), []float32{0, 0, 2.5}) {
			t.Errorf("after update: %+v, %v", again, err)
		}
		if res := db.Where("name = ?", "a").Delete(&gormItem{}); res.Error != nil || res.RowsAffected != 1 {
			t.Errorf("delete: %d rows, %v", res.RowsAffected, res.Error)
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&gormItem{Name: "x", Embedding: pgvector.NewVector([]float32{9, 9, 9})}).Error; err != nil {
				return err
			}
			return tx.Create(&gormItem{Name: "b", Embedding: pgvector.NewVector([]float32{1, 1, 1})}).Error
		})
		if err == nil || !strings.Contains(err.Error(), "23505") {
			t.Errorf("duplicate name in a transaction: got %v, want 23505", err)
		}
		var count int64
		if err := db.Model(&gormItem{}).Count(&count).Error; err != nil || count != int64(len(ormItems)-1) {
			t.Errorf("count = %d, %v", count, err)
		}
	})

	// A uniqueIndex field is a unique index, not a constraint: the second
	// AutoMigrate finds no unique constraint the model lacks (information
	// schema lists only constraints) and sends nothing.
	t.Run("uniqueIndex", func(t *testing.T) {
		ddl, err := migrateTwice(db, rec, &gormIndexed{}, func() {})
		if err != nil {
			fail("AutoMigrate", err)
		}
		if len(ddl) > 0 {
			t.Errorf("second AutoMigrate sent DDL:\n  %s", strings.Join(ddl, "\n  "))
		}
	})
}

// migrateTwice runs AutoMigrate twice, calling between after the first,
// and returns the DDL statements of the second run.
func migrateTwice(db *gorm.DB, rec *sqlRecorder, model any, between func()) ([]string, error) {
	if err := db.AutoMigrate(model); err != nil {
		return nil, fmt.Errorf("first AutoMigrate: %w", err)
	}
	between()
	n := rec.count()
	if err := db.AutoMigrate(model); err != nil {
		return nil, fmt.Errorf("second AutoMigrate: %w", err)
	}
	var ddl []string
	for _, s := range rec.since(n) {
		if ddlRE.MatchString(s) {
			ddl = append(ddl, s)
		}
	}
	return ddl, nil
}

// schemaSnapshot is the table's columns and indexes as information_schema
// and pg_indexes show them.
func schemaSnapshot(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT column_name, data_type, udt_name, is_nullable, coalesce(column_default, ''), coalesce(character_maximum_length, 0)
		   FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
		`SELECT indexname, indexdef, '', '', '', 0 FROM pg_indexes WHERE tablename = $1 ORDER BY indexname`,
	} {
		rows, err := db.Query(q, table)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var a, b, c, d, e string
			var n int
			if err := rows.Scan(&a, &b, &c, &d, &e, &n); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&sb, a, b, c, d, e, n)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return sb.String()
}

// TestLibPQVectorTenant is lib/pq with pgvector-go's database/sql types as
// a tenant logs in (SCRAM with an API key): a vector table with an HNSW
// index, inserts, a nearest-neighbour query and the catalog queries users
// run to check what they made. server's TestLibPQ and TestVectorDatabaseSQL
// cover lib/pq's protocol and the vector round trips with the admin login.
func TestLibPQVectorTenant(t *testing.T) {
	db, err := sql.Open("postgres", server.StartTenantTestServer(t, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, q := range []string{
		"CREATE EXTENSION IF NOT EXISTS vector",
		"CREATE TABLE pq_items (id bigserial PRIMARY KEY, name text NOT NULL, embedding vector(3))",
		"CREATE INDEX pq_items_embedding_idx ON pq_items USING hnsw (embedding vector_l2_ops)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, it := range ormItems {
		if _, err := db.ExecContext(ctx, "INSERT INTO pq_items (name, embedding) VALUES ($1, $2)", it.name, pgvector.NewVector(it.vec)); err != nil {
			t.Fatalf("insert %s: %v", it.name, err)
		}
	}
	for _, q := range ormQueries {
		rows, err := db.QueryContext(ctx, "SELECT name, embedding FROM pq_items ORDER BY embedding <-> $1 LIMIT 3", pgvector.NewVector(q))
		if err != nil {
			t.Fatalf("nearest to %v: %v", q, err)
		}
		var names []string
		for rows.Next() {
			var name string
			var v pgvector.Vector
			if err := rows.Scan(&name, &v); err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(ormItems, func(it ormItem) bool { return it.name == name }); i < 0 || !slices.Equal(v.Slice(), ormItems[i].vec) {
				t.Errorf("%s: embedding %v", name, v.Slice())
			}
			names = append(names, name)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if want := ormNearest(q)[:3]; !slices.Equal(names, want) {
			t.Errorf("nearest to %v: %v, want %v", q, names, want)
		}
	}
	for _, c := range []struct{ q, want string }{
		{`SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'pq_items'::regclass AND attname = 'embedding'`, "vector(3)"},
		{`SELECT indexdef FROM pg_indexes WHERE indexname = 'pq_items_embedding_idx'`, "CREATE INDEX pq_items_embedding_idx ON public.pq_items USING hnsw (embedding vector_l2_ops)"},
		{`SELECT to_regtype('vector')::oid::text || ' ' || typname FROM pg_type WHERE oid = to_regtype('vector')`, "16300 vector"},
		{`SELECT string_agg(table_name, ',') FROM information_schema.tables WHERE table_schema = current_schema()`, "pq_items"},
	} {
		var got string
		if err := db.QueryRowContext(ctx, c.q).Scan(&got); err != nil || got != c.want {
			t.Errorf("%s\n got %q, %v\nwant %q", c.q, got, err, c.want)
		}
	}
}
