package planner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// vectorTable fills items(id, embedding vector(4), cat) with n seeded
// random rows and returns the vectors' text forms by id.
func vectorTable(t *testing.T, s *Session, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	sb.WriteString("CREATE TABLE items (id int8 PRIMARY KEY, embedding vector(4), cat int4);INSERT INTO items VALUES ")
	for i := 1; i <= n; i++ {
		if i > 1 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "(%d,'[%g,%g,%g,%g]',%d)", i, rng.Float32(), rng.Float32(), rng.Float32(), rng.Float32(), i%10)
	}
	if got := run(t, s, sb.String()); !strings.HasSuffix(got, fmt.Sprintf("INSERT 0 %d", n)) {
		t.Fatalf("fill: %s", got)
	}
}

// TestHNSWIndexScan checks that an hnsw index answers ORDER BY ... LIMIT
// like the exact scan does (same rows on this small, well-connected set),
// for every opclass, and follows writes, rollbacks and filters.
func TestHNSWIndexScan(t *testing.T) {
	// near is a vector that is the query's nearest neighbour by op.
	for _, c := range []struct{ opclass, op, near string }{
		{"vector_l2_ops", "<->", "'[0.5,0.25,0.75,0.1]'"},
		{"vector_ip_ops", "<#>", "'[5,5,5,5]'"},
		{"vector_cosine_ops", "<=>", "'[1,0.5,1.5,0.2]'"},
		{"vector_l1_ops", "<+>", "'[0.5,0.25,0.75,0.1]'"},
	} {
		t.Run(c.opclass, func(t *testing.T) {
			s := testSession(t)
			vectorTable(t, s, 500)
			q := fmt.Sprintf("SELECT id FROM items ORDER BY embedding %s '[0.5,0.25,0.75,0.1]' LIMIT 5", c.op)
			exact := run(t, s, q)
			if got := run(t, s, "CREATE INDEX idx ON items USING hnsw (embedding "+c.opclass+")"); got != "CREATE INDEX" {
				t.Fatalf("create index: %s", got)
			}
			if got := run(t, s, q); got != exact {
				t.Errorf("index scan:\n%s\nexact scan:\n%s", got, exact)
			}
			// A new nearest row shows after commit, not after rollback.
			near := c.near
			run(t, s, "BEGIN;INSERT INTO items VALUES (9001, "+near+", 3)")
			if got := run(t, s, q); !strings.HasPrefix(got, "9001\n") {
				t.Errorf("own insert not first in its transaction: %s", got)
			}
			run(t, s, "ROLLBACK")
			if got := run(t, s, q); got != exact {
				t.Errorf("after rollback:\n%s\nwant:\n%s", got, exact)
			}
			run(t, s, "UPDATE items SET embedding = "+near+" WHERE id = 42")
			if got := run(t, s, q); !strings.HasPrefix(got, "42\n") {
				t.Errorf("updated row not first: %s", got)
			}
			run(t, s, "DELETE FROM items WHERE id = 42")
			if got := run(t, s, q); got != exact {
				t.Errorf("after delete:\n%s\nwant:\n%s", got, exact)
			}
		})
	}
}

// TestHNSWFilteredScan checks pgvector 0.8's behaviour with a WHERE
// clause: without iterative scan, only candidates within ef_search pass;
// with it, LIMIT rows come back when that many match.
func TestHNSWFilteredScan(t *testing.T) {
	s := testSession(t)
	vectorTable(t, s, 1000)
	run(t, s, "CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)")
	count := "SELECT count(*) FROM (SELECT id FROM items WHERE cat = 3 ORDER BY embedding <-> '[0.5,0.5,0.5,0.5]' LIMIT 20) s"
	run(t, s, "SET hnsw.ef_search = 10")
	if got := run(t, s, count+";SET hnsw.iterative_scan = relaxed_order;"+count); !strings.HasPrefix(got, "1\n") && !strings.HasPrefix(got, "2\n") && !strings.HasPrefix(got, "0\n") {
		t.Errorf("without iterative scan, ef_search=10 over 10 categories should pass about 1 row: %q", got)
	} else if !strings.HasSuffix(got, "SET\n20\nSELECT 1") {
		t.Errorf("with iterative scan want 20 rows: %q", got)
	}
	// ef_search bounds the rows an unfiltered index scan returns, as in pgvector.
	if got := run(t, s, "SET hnsw.iterative_scan = off;SELECT count(*) FROM (SELECT id FROM items ORDER BY embedding <-> '[0.5,0.5,0.5,0.5]' LIMIT 50) s"); !strings.Contains(got, "\n10\n") {
		t.Errorf("ef_search=10 LIMIT 50: %q", got)
	}
}

// TestHNSWIndexErrors checks pgvector's and PostgreSQL's errors.
func TestHNSWIndexErrors(t *testing.T) {
	s := testSession(t)
	run(t, s, "CREATE TABLE v (id int8 PRIMARY KEY, e vector, h halfvec(3), f vector(3))")
	for _, c := range []struct{ stmt, want string }{
		{"CREATE INDEX ON v USING hnsw (f)", "ERROR 42704"},
		{"CREATE INDEX ON v USING hnsw (e vector_l2_ops)", "ERROR XX000"},
		{"CREATE INDEX ON v USING hnsw (h vector_l2_ops)", "ERROR 42804"},
		{"CREATE INDEX ON v USING hnsw (f vector_l2_ops) WITH (m = 101)", "ERROR 22023"},
		{"CREATE INDEX ON v USING hnsw (f vector_l2_ops) WITH (m = 40, ef_construction = 64)", "ERROR 22023"},
		{"CREATE INDEX ON v USING hnsw (f vector_l2_ops) WITH (lists = 4)", "ERROR 22023"},
		{"CREATE INDEX ON v USING nosuch (f)", "ERROR 42704"},
		{"CREATE INDEX ON v USING hnsw (h halfvec_cosine_ops)", "CREATE INDEX"},
		{"CREATE INDEX v_h_idx ON v (id)", "ERROR 42P07"},
		{"CREATE INDEX IF NOT EXISTS v_h_idx ON v (id)", "CREATE INDEX"},
		{"DROP INDEX v_pkey", "ERROR 2BP01"},
		{"DROP INDEX v_h_idx", "DROP INDEX"},
		{"DROP INDEX v_h_idx", "ERROR 42704"},
		{"DROP INDEX IF EXISTS v_h_idx", "DROP INDEX"},
		{"SET hnsw.ef_search = 0", "ERROR 22023"},
		{"SET hnsw.iterative_scan = sideways", "ERROR 22023"},
	} {
		if got := run(t, s, c.stmt); got != c.want {
			t.Errorf("%s: got %q, want %q", c.stmt, got, c.want)
		}
	}
}

// TestHNSWSnapshotRestart checks that a saved graph is loaded (not
// rebuilt) by the next engine and caught up with writes made after the
// save, as after a crash that lost a newer snapshot.
func TestHNSWSnapshotRestart(t *testing.T) {
	dir := t.TempDir()
	idxDir := t.TempDir()
	ctx := context.Background()
	open := func() (*storage.DB, *Engine, *Session) {
		store, err := storage.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := Bootstrap(ctx, store); err != nil {
			t.Fatal(err)
		}
		eng := NewEngine(store)
		eng.SetIndexDir(idxDir)
		s, err := eng.NewSession(ctx, SessionOptions{User: "admin", Database: DefaultDatabase})
		if err != nil {
			t.Fatal(err)
		}
		return store, eng, s
	}
	store, eng, s := open()
	vectorTable(t, s, 400)
	run(t, s, "CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)")
	if err := eng.SaveIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	// Writes after the snapshot: the next start must catch up with them.
	run(t, s, "INSERT INTO items VALUES (5000, '[0.5,0.25,0.75,0.1]', 1)")
	run(t, s, "UPDATE items SET embedding = '[0.5,0.25,0.75,0.11]' WHERE id = 7")
	run(t, s, "DELETE FROM items WHERE id = 9")
	s.Close()
	store.Close()

	store, eng, s = open()
	defer store.Close()
	defer s.Close()
	q := "SELECT id FROM items ORDER BY embedding <-> '[0.5,0.25,0.75,0.1]' LIMIT 5"
	got := run(t, s, q)
	if !strings.HasPrefix(got, "5000\n7\n") {
		t.Errorf("after restart: %q, want 5000 then 7 first", got)
	}
	if b, l := eng.vec.builds.Load(), eng.vec.loads.Load(); b != 0 || l != 1 {
		t.Errorf("restart built %d graphs and loaded %d, want 0 and 1", b, l)
	}
	h, err := eng.vec.get(ctx, mustTable(t, s, "items"), &mustTable(t, s, "items").Indexes[1])
	if err != nil {
		t.Fatal(err)
	}
	if n := h.g.Len(); n != 400 {
		t.Errorf("graph holds %d live vectors, table has 400", n)
	}
}

// mustTable reads a table's descriptor in a fresh transaction.
func mustTable(t *testing.T, s *Session, name string) *storage.TableDesc {
	t.Helper()
	txn := s.eng.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	td, err := s.findTable(context.Background(), txn, "", name)
	if err != nil || td == nil {
		t.Fatalf("table %s: %v", name, err)
	}
	return td
}

// TestHNSWExplain checks EXPLAIN's lines for index and exact scans.
func TestHNSWExplain(t *testing.T) {
	s := testSession(t)
	vectorTable(t, s, 50)
	run(t, s, "CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops)")
	for _, c := range []struct{ stmt, want string }{
		{"EXPLAIN SELECT id FROM items ORDER BY embedding <=> '[1,2,3,4]' LIMIT 5",
			"Limit\n  ->  Index Scan using items_embedding_idx on items\n        Order By: (embedding <=> '[1,2,3,4]'::vector)\nEXPLAIN"},
		{"EXPLAIN (COSTS OFF) SELECT id FROM items WHERE cat = 3 ORDER BY embedding <=> '[1,2,3,4]' LIMIT 5",
			"Limit\n  ->  Index Scan using items_embedding_idx on items\n        Order By: (embedding <=> '[1,2,3,4]'::vector)\n        Filter: (cat = 3)\nEXPLAIN"},
		// No index for <->: an exact scan under a top-k sort.
		{"EXPLAIN SELECT id FROM items ORDER BY embedding <-> '[1,2,3,4]' LIMIT 5",
			"Limit\n  ->  Sort\n        Sort Key: (embedding <-> '[1,2,3,4]'::vector)\n        ->  Seq Scan on items\nEXPLAIN"},
		// Descending order cannot use the index.
		{"EXPLAIN SELECT id FROM items ORDER BY embedding <=> '[1,2,3,4]' DESC LIMIT 5",
			"Limit\n  ->  Sort\n        Sort Key: (embedding <=> '[1,2,3,4]'::vector) DESC\n        ->  Seq Scan on items\nEXPLAIN"},
		{"EXPLAIN ANALYZE SELECT 1", "ERROR 0A000"},
	} {
		if got := run(t, s, c.stmt); got != c.want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", c.stmt, got, c.want)
		}
	}
}

// TestHNSWBuildProgressAndCancel checks that CREATE INDEX reports progress
// as NOTICEs while it builds and stops with 57014 when cancelled.
func TestHNSWBuildProgressAndCancel(t *testing.T) {
	saved := progressInterval
	progressInterval = 0
	defer func() { progressInterval = saved }()
	s := testSession(t)
	var notices []string
	s.opts.Notice = func(e *sql.Error) { notices = append(notices, e.Message) }
	vectorTable(t, s, 9000)
	if got := run(t, s, "CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)"); got != "CREATE INDEX" {
		t.Fatalf("create index: %s", got)
	}
	want := []string{
		`hnsw index "items_embedding_idx": 4096 of 9000 vectors inserted (45%)`,
		`hnsw index "items_embedding_idx": 8192 of 9000 vectors inserted (91%)`,
	}
	if strings.Join(notices, "\n") != strings.Join(want, "\n") {
		t.Errorf("notices:\n%s\nwant:\n%s", strings.Join(notices, "\n"), strings.Join(want, "\n"))
	}

	// Cancel from inside the build, at its first progress report, as a
	// CancelRequest arriving mid-statement would.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notices = nil
	s.opts.Notice = func(e *sql.Error) { notices = append(notices, e.Message); cancel() }
	stmts, err := sql.Parse("CREATE INDEX again ON items USING hnsw (embedding vector_l2_ops)")
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Prepare(ctx, stmts[0], "", nil)
	if err == nil {
		_, err = s.Bind(ctx, p, nil)
	}
	if sql.CodeOf(err) != "57014" {
		t.Errorf("cancelled CREATE INDEX: %v (%s), want 57014", err, sql.CodeOf(err))
	}
	if len(notices) != 1 {
		t.Errorf("the build went on after the cancel: %q", notices)
	}
	s.Fail(err)
	_ = s.EndImplicit(context.Background())
	if got := run(t, s, "SELECT count(*) FROM items"); got != "9000\nSELECT 1" {
		t.Errorf("session after cancel: %q", got)
	}
}

// TestHNSWLateral checks LATERAL subqueries, and that the index serves
// the per-row kNN query inside one.
func TestHNSWLateral(t *testing.T) {
	s := testSession(t)
	vectorTable(t, s, 300)
	run(t, s, "CREATE TABLE queries (qid int4 PRIMARY KEY, q vector(4));INSERT INTO queries VALUES (1, '[0.1,0.2,0.3,0.4]'), (2, '[0.9,0.8,0.7,0.6]'), (3, NULL)")
	// (Without an index a NULL query vector orders every row alike; with
	// one, pgvector returns no rows for it: compare the non-NULL ones.)
	lateral := "SELECT qid, n.id FROM queries CROSS JOIN LATERAL (SELECT id FROM items ORDER BY embedding <-> queries.q LIMIT 3) n WHERE q IS NOT NULL ORDER BY qid"
	before := run(t, s, lateral)
	run(t, s, "CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)")
	if got := run(t, s, lateral); got != before {
		t.Errorf("lateral kNN with the index:\n%s\nwithout:\n%s", got, before)
	}
	if got := run(t, s, "EXPLAIN "+lateral); !strings.Contains(got, "Index Scan using items_embedding_idx on items") {
		t.Errorf("lateral plan does not use the index:\n%s", got)
	}
	// The NULL query vector yields no rows (an inner join drops qid 3),
	// a LEFT JOIN LATERAL keeps it with NULLs.
	if got := run(t, s, "SELECT qid, n.id FROM queries LEFT JOIN LATERAL (SELECT id FROM items ORDER BY embedding <-> queries.q LIMIT 1) n ON true ORDER BY qid"); !strings.HasSuffix(got, "\n3|NULL\nSELECT 3") {
		t.Errorf("left join lateral: %q", got)
	}
	if got := run(t, s, "SELECT count(*) FROM queries q, LATERAL (SELECT id FROM items WHERE cat = q.qid) x"); got != "90\nSELECT 1" {
		t.Errorf("comma lateral: %q", got)
	}
	if got := run(t, s, "SELECT * FROM queries q RIGHT JOIN LATERAL (SELECT q.qid) x ON true"); got != "ERROR 42P10" {
		t.Errorf("right join lateral: %q", got)
	}
}

// TestIndexScans checks that equality on a primary key or on every column
// of a btree index reads through it (EXPLAIN) and returns what a full scan
// returns, including after writes.
func TestIndexScans(t *testing.T) {
	s := testSession(t)
	vectorTable(t, s, 200)
	run(t, s, "CREATE INDEX items_cat ON items (cat)")
	for _, c := range []struct{ stmt, plan string }{
		{"SELECT id FROM items WHERE id = 4", "Index Scan using items_pkey on items\n  Index Cond: (id = 4)\nEXPLAIN"},
		{"SELECT id FROM items WHERE cat = 3 ORDER BY id", "Sort\n  Sort Key: id\n  ->  Index Scan using items_cat on items\n        Index Cond: (cat = 3)\nEXPLAIN"},
		{"SELECT id FROM items WHERE cat = 3 AND id > 100 ORDER BY id", "Sort\n  Sort Key: id\n  ->  Index Scan using items_cat on items\n        Index Cond: (cat = 3)\n        Filter: (id > 100)\nEXPLAIN"},
		{"SELECT id FROM items WHERE cat > 3 ORDER BY id", "Sort\n  Sort Key: id\n  ->  Seq Scan on items\n        Filter: (cat > 3)\nEXPLAIN"},
	} {
		if got := run(t, s, "EXPLAIN "+c.stmt); got != c.plan {
			t.Errorf("EXPLAIN %s:\n%s\nwant:\n%s", c.stmt, got, c.plan)
		}
		// The same rows as a scan the planner cannot turn into a lookup.
		full := strings.Replace(strings.Replace(c.stmt, "WHERE id =", "WHERE id + 0 =", 1), "WHERE cat =", "WHERE cat + 0 =", 1)
		if got, want := run(t, s, c.stmt), run(t, s, full); got != want {
			t.Errorf("%s:\n%s\nfull scan:\n%s", c.stmt, got, want)
		}
	}
	run(t, s, "UPDATE items SET cat = 3 WHERE id = 1;DELETE FROM items WHERE id = 13;INSERT INTO items VALUES (1000, '[1,1,1,1]', 3)")
	got, want := run(t, s, "SELECT id FROM items WHERE cat = 3 ORDER BY id"), run(t, s, "SELECT id FROM items WHERE cat + 0 = 3 ORDER BY id")
	if got != want || !strings.HasPrefix(got, "1\n3\n23\n") || !strings.Contains(got, "\n1000\n") {
		t.Errorf("after writes: %q, full scan %q", got, want)
	}
}

// TestHNSWSelectiveFilterRanksExactly checks that a WHERE clause a btree
// index answers with few rows is ranked exactly rather than searched in
// the graph, so a small ef_search loses nothing.
func TestHNSWSelectiveFilterRanksExactly(t *testing.T) {
	s := testSession(t)
	vectorTable(t, s, 1000)
	run(t, s, "CREATE INDEX ON items USING hnsw (embedding vector_l2_ops);CREATE INDEX ON items (cat);SET hnsw.ef_search = 10")
	q := "SELECT id FROM items WHERE cat = 3 ORDER BY embedding <-> '[0.5,0.5,0.5,0.5]' LIMIT 20"
	exact := run(t, s, "SELECT id FROM items WHERE cat + 0 = 3 ORDER BY (embedding <-> '[0.5,0.5,0.5,0.5]') + 0 LIMIT 20")
	if got := run(t, s, q); got != exact || !strings.HasSuffix(got, "SELECT 20") {
		t.Errorf("selective filter:\n%s\nexact:\n%s", got, exact)
	}
}

// TestHNSWInsertThenUpdateInOneTransaction checks that a row inserted and
// updated in one transaction keeps one node in the graph, the last one.
func TestHNSWInsertThenUpdateInOneTransaction(t *testing.T) {
	s := testSession(t)
	run(t, s, "CREATE TABLE v (id int PRIMARY KEY, e vector(2));CREATE INDEX ON v USING hnsw (e vector_l2_ops)")
	run(t, s, "BEGIN")
	for i := 1; i <= 20; i++ {
		run(t, s, fmt.Sprintf("INSERT INTO v VALUES (%d, '[0.0%d,0]');UPDATE v SET e = '[%d,100]' WHERE id = %d", i, i, 100+i, i))
	}
	run(t, s, "COMMIT")
	for _, mode := range []string{"off", "relaxed_order"} {
		got := run(t, s, "SET hnsw.iterative_scan = "+mode+";SELECT id FROM v ORDER BY e <-> '[0,0]' LIMIT 5")
		if got != "SET\n1\n2\n3\n4\n5\nSELECT 5" {
			t.Errorf("iterative_scan=%s: %q", mode, got)
		}
	}
	td := mustTable(t, s, "v")
	h, err := s.eng.vec.get(context.Background(), td, &td.Indexes[1])
	if err != nil {
		t.Fatal(err)
	}
	if n := h.g.Len(); n != 20 {
		t.Errorf("graph holds %d live nodes for 20 rows", n)
	}
}

// TestHNSWCreateIndexWaitsForWriters checks that CREATE INDEX waits for a
// transaction that wrote before it began, so that row is indexed, and that
// a write made while the index builds is indexed too.
func TestHNSWCreateIndexWaitsForWriters(t *testing.T) {
	s1 := testSession(t)
	ctx := context.Background()
	s2, err := s1.eng.NewSession(ctx, SessionOptions{User: "admin", Database: DefaultDatabase})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	run(t, s1, "CREATE TABLE v (id int PRIMARY KEY, e vector(2));INSERT INTO v VALUES (1, '[5,5]')")
	run(t, s2, "BEGIN;INSERT INTO v VALUES (2, '[0,0]')")
	done := make(chan string)
	go func() { done <- run(t, s1, "CREATE INDEX ON v USING hnsw (e vector_l2_ops)") }()
	select {
	case got := <-done:
		t.Fatalf("CREATE INDEX did not wait for the open writer: %s", got)
	case <-time.After(200 * time.Millisecond):
	}
	run(t, s2, "COMMIT")
	if got := <-done; got != "CREATE INDEX" {
		t.Fatalf("create index: %s", got)
	}
	if got := run(t, s1, "SELECT id FROM v ORDER BY e <-> '[0,0]' LIMIT 2"); got != "2\n1\nSELECT 2" {
		t.Errorf("after CREATE INDEX: %q", got)
	}
	// A rolled-back CREATE INDEX leaves no graph behind.
	run(t, s1, "BEGIN;CREATE INDEX v_again ON v USING hnsw (e vector_l1_ops);ROLLBACK")
	td := mustTable(t, s1, "v")
	if graphs, _ := s1.eng.vec.graphsFor(ctx, td); len(graphs) != 1 {
		t.Errorf("%d graphs after a rolled-back CREATE INDEX, want 1", len(graphs))
	}
}

// readerWriterGraph returns two sessions on one engine and the graph of
// the hnsw index on v(id int PRIMARY KEY, e vector(2), note text), whose
// rows 1..n have e = [i,i] and note = 'n<i>'.
func readerWriterGraph(t *testing.T, n int) (reader, writer *Session, h *hnswGraph) {
	t.Helper()
	reader = testSession(t)
	ctx := context.Background()
	writer, err := reader.eng.NewSession(ctx, SessionOptions{User: "admin", Database: DefaultDatabase})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(writer.Close)
	run(t, reader, "CREATE TABLE v (id int PRIMARY KEY, e vector(2), note text);"+
		fmt.Sprintf("INSERT INTO v SELECT i, ('['||i||','||i||']')::vector, 'n'||i FROM generate_series(1, %d) i;", n)+
		"CREATE INDEX ON v USING hnsw (e vector_l2_ops)")
	td := mustTable(t, reader, "v")
	if h, err = reader.eng.vec.get(ctx, td, &td.Indexes[1]); err != nil {
		t.Fatal(err)
	}
	return reader, writer, h
}

// TestHNSWCandidatesFromGraph checks that a scan answering from the graph
// alone (the statement reads only the key and the vector) returns exactly
// what reading every candidate's row would, while other transactions
// insert, update, delete, roll back and truncate around it, and that it
// reads rows whenever a node cannot vouch for the reader's snapshot.
func TestHNSWCandidatesFromGraph(t *testing.T) {
	reader, writer, h := readerWriterGraph(t, 50)
	const q = "SELECT id FROM v ORDER BY e <-> '[0,0]' LIMIT 3"
	// Where a scan's candidates come from: all from the graph, some read
	// from the table (nodes that cannot vouch for the snapshot), or all
	// read from the table.
	const (
		graph = "graph"
		some  = "some rows read"
		table = "table"
	)
	// expect runs stmt on the reader and checks its output and where its
	// candidates came from.
	expect := func(step, stmt, want, from string) {
		t.Helper()
		g0, t0 := h.fromGraph.Load(), h.fromTable.Load()
		if got := run(t, reader, stmt); got != want {
			t.Fatalf("%s: %s\n got %q\nwant %q", step, stmt, got, want)
		}
		g, tb := h.fromGraph.Load()-g0, h.fromTable.Load()-t0
		ok := map[string]bool{graph: g > 0 && tb == 0, some: g > 0 && tb > 0, table: g == 0 && tb > 0}[from]
		if !ok {
			t.Fatalf("%s: %d candidates from the graph, %d from the table; want %s", step, g, tb, from)
		}
	}
	expect("after CREATE INDEX", q, "1\n2\n3\nSELECT 3", graph)
	expect("key, vector and distance", "SELECT id, e, e <-> '[0,0]' FROM v ORDER BY e <-> '[0,0]' LIMIT 2",
		"1|[1,1]|1.4142135623730951\n2|[2,2]|2.8284271247461903\nSELECT 2", graph)
	expect("a column the graph lacks", "SELECT note FROM v ORDER BY e <-> '[0,0]' LIMIT 2", "n1\nn2\nSELECT 2", table)
	expect("a WHERE clause", "SELECT id FROM v WHERE id > 1 ORDER BY e <-> '[0,0]' LIMIT 2", "2\n3\nSELECT 2", table)

	run(t, writer, "BEGIN;DELETE FROM v WHERE id = 1")
	expect("uncommitted delete", q, "1\n2\n3\nSELECT 3", some)
	run(t, writer, "COMMIT")
	expect("committed delete", q, "2\n3\n4\nSELECT 3", graph)

	run(t, writer, "BEGIN;UPDATE v SET e = '[99,99]' WHERE id = 2")
	expect("uncommitted update", q, "2\n3\n4\nSELECT 3", some)
	run(t, writer, "ROLLBACK")
	expect("rolled-back update", q, "2\n3\n4\nSELECT 3", graph)

	run(t, writer, "BEGIN;INSERT INTO v VALUES (100, '[0,0]', 'new')")
	expect("uncommitted insert", q, "2\n3\n4\nSELECT 3", some)
	run(t, writer, "COMMIT")
	expect("committed insert", q, "100\n2\n3\nSELECT 3", graph)

	run(t, reader, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	expect("repeatable read", q, "100\n2\n3\nSELECT 3", graph)
	run(t, writer, "INSERT INTO v VALUES (101, '[0.1,0]', 'newer');UPDATE v SET note = 'changed' WHERE id = 2")
	expect("insert after the snapshot", q, "100\n2\n3\nSELECT 3", some)
	run(t, reader, "COMMIT")
	expect("read committed again", q, "100\n101\n2\nSELECT 3", graph)

	run(t, reader, "BEGIN ISOLATION LEVEL SERIALIZABLE")
	expect("serializable", q, "100\n101\n2\nSELECT 3", table)
	run(t, reader, "COMMIT")

	run(t, writer, "BEGIN;TRUNCATE v")
	expect("uncommitted truncate", q, "100\n101\n2\nSELECT 3", table)
	run(t, writer, "COMMIT")
	if got := run(t, reader, q); got != "SELECT 0" {
		t.Fatalf("after truncate: %q", got)
	}
	if !h.retired.Load() {
		t.Fatal("truncated table's graph not retired")
	}
}

// TestHNSWFillAfterConcurrentSupersede checks the CREATE INDEX race the
// graph cannot see: a writer deletes a row before the build's scan
// reaches it, and the scan (whose snapshot predates the delete's commit)
// still adds it. Such a node must never settle, so scans keep reading its
// row; nodes of untouched rows settle.
func TestHNSWFillAfterConcurrentSupersede(t *testing.T) {
	s := testSession(t)
	ctx := context.Background()
	run(t, s, "CREATE TABLE v (id int PRIMARY KEY, e vector(2));INSERT INTO v VALUES (1, '[1,1]'), (2, '[2,2]');"+
		"CREATE INDEX ON v USING hnsw (e vector_l2_ops)")
	td := mustTable(t, s, "v")
	h, err := newGraph(td, &td.Indexes[1])
	if err != nil {
		t.Fatal(err)
	}
	_, key1, err := storage.RowIdentity(td, []sql.Datum{int64(1), sql.Vector{1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	h.touched = map[string]bool{}
	h.supersede(key1) // the writer's DELETE, before the scan reaches row 1
	txn := s.eng.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	ids, err := h.fill(ctx, txn, td, ctx.Err, nil)
	if err != nil || len(ids) != 2 {
		t.Fatalf("fill: %v, %d nodes", err, len(ids))
	}
	h.settle(ids, 7)
	for _, id := range ids {
		nr, _ := h.row(id)
		if want := nr.key != key1; nr.settled != want {
			t.Errorf("node of key %q settled = %v, want %v", nr.key, nr.settled, want)
		}
	}
}

// TestHNSWOldSnapshotSeesSupersededVersions checks that a REPEATABLE READ
// transaction whose snapshot predates an UPDATE of a vector and a DELETE
// still finds the old versions through the index after those commit, and
// that the superseded nodes leave the graph once that snapshot ends.
func TestHNSWOldSnapshotSeesSupersededVersions(t *testing.T) {
	reader, writer, h := readerWriterGraph(t, 30)
	const q = "SELECT id FROM v ORDER BY e <-> '[0,0]' LIMIT 3"
	run(t, reader, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	if got := run(t, reader, q); got != "1\n2\n3\nSELECT 3" {
		t.Fatalf("before: %q", got)
	}
	run(t, writer, "UPDATE v SET e = '[50,50]' WHERE id = 1;DELETE FROM v WHERE id = 2")
	if got := run(t, writer, q); got != "3\n4\n5\nSELECT 3" {
		t.Fatalf("new snapshot after the writes: %q", got)
	}
	for _, mode := range []string{"off", "relaxed_order"} {
		if got := run(t, reader, "SET hnsw.iterative_scan = "+mode+";"+q); got != "SET\n1\n2\n3\nSELECT 3" {
			t.Fatalf("old snapshot, iterative_scan=%s: %q", mode, got)
		}
	}
	if n := h.g.Len(); n != 31 {
		t.Fatalf("graph holds %d live nodes while an old snapshot may need them, want 31", n)
	}
	run(t, reader, "COMMIT")
	if got := run(t, reader, q); got != "3\n4\n5\nSELECT 3" {
		t.Fatalf("after the old snapshot ended: %q", got)
	}
	if n := h.g.Len(); n != 29 {
		t.Fatalf("graph holds %d live nodes after the old snapshot ended, want 29", n)
	}
}

// TestHNSWCreateIndexAfterOwnDelete checks that a CREATE INDEX run in a
// transaction that deleted a row first (under REPEATABLE READ, whose
// build also scans a fresh snapshot still showing the row) never lets
// the graph vouch for the deleted row.
func TestHNSWCreateIndexAfterOwnDelete(t *testing.T) {
	s := testSession(t)
	run(t, s, "CREATE TABLE v (id int PRIMARY KEY, e vector(2));INSERT INTO v SELECT i, ('['||i||','||i||']')::vector FROM generate_series(1, 20) i")
	for _, iso := range []string{"REPEATABLE READ", "READ COMMITTED"} {
		for _, q := range []string{"DROP INDEX IF EXISTS v_e_idx", "BEGIN ISOLATION LEVEL " + iso, "DELETE FROM v WHERE id = 1",
			"CREATE INDEX v_e_idx ON v USING hnsw (e vector_l2_ops)", "COMMIT"} {
			if got := run(t, s, q); strings.HasPrefix(got, "ERROR") {
				t.Fatalf("%s: %s", q, got)
			}
		}
		if got := run(t, s, "SELECT id FROM v ORDER BY e <-> '[0,0]' LIMIT 2"); got != "2\n3\nSELECT 2" {
			t.Errorf("%s: deleted row through the index: %q", iso, got)
		}
		run(t, s, "INSERT INTO v VALUES (1, '[1,1]')")
	}
}
