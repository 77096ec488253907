package testdata_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/server"
	"github.com/quartzdb/quartzdb/testdata"
)

// TestPsqlConninfoAndVectorDescribe runs psql as a tenant's API key: \conninfo
// names the tenant's database, key user, host and port (the port changes
// every run, so this is matched rather than kept in a golden file), and
// \d of a table with a vector column and an hnsw index prints them as
// pgvector on PostgreSQL does.
func TestPsqlConninfoAndVectorDescribe(t *testing.T) {
	dsn := server.StartTenantTestServer(t, false)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "conninfo.sql")
	if err := os.WriteFile(script, []byte(`\conninfo
CREATE TABLE items (id bigserial PRIMARY KEY, embedding vector(3) NOT NULL);
CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_l2_ops);
\d items
`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := testdata.RunPsql(ctx, dsn, script)
	if err != nil {
		t.Fatal(err)
	}
	conninfo := regexp.MustCompile(`You are connected to database "bench" as user "` + regexp.QuoteMeta(u.User.Username()) +
		`" on host "127\.0\.0\.1" at port "` + regexp.QuoteMeta(u.Port()) + `"\.`)
	if !conninfo.MatchString(out) {
		t.Errorf("\\conninfo:\n%s", out)
	}
	for _, want := range []string{
		` embedding | vector(3) |           | not null | `,
		`    "items_embedding_idx" hnsw (embedding vector_l2_ops)`,
		`    "items_pkey" PRIMARY KEY, btree (id)`,
		` id        | bigint    |           | not null | nextval('items_id_seq'::regclass)`,
	} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(out) {
			t.Errorf("\\d items lacks %q:\n%s", want, out)
		}
	}
}
