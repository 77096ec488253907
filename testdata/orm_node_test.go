package testdata_test

// Node.js ORMs against QuartzDB, logged in as a tenant with an API key the
// way users connect: Knex migrations, Sequelize sync, TypeORM synchronize
// and Drizzle, each creating a table with a vector column, inserting,
// ordering by distance and introspecting the schema (the second migration
// or sync must find nothing to change). The scripts are in testdata/node;
// node-postgres with the pgvector package itself is server's
// TestNodePgvector.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/server"
)

// nodeORMScripts maps each ORM to its script in testdata/node and the npm
// packages the script imports.
var nodeORMScripts = []struct {
	name, script string
	packages     []string
}{
	{"knex", "knex_test.mjs", []string{"pg", "pgvector", "knex"}},
	{"sequelize", "sequelize_test.mjs", []string{"pg", "pgvector", "sequelize"}},
	{"typeorm", "typeorm_test.mjs", []string{"pg", "pgvector", "typeorm"}},
	{"drizzle", "drizzle_test.mjs", []string{"pg", "drizzle-orm"}},
}

// TestNodeORMs runs each ORM script against its own fresh tenant server. It
// skips when node or the npm packages are missing, except under CI=true,
// where .ci/run installs them (npm ci in testdata/node) and their absence is
// a failure.
func TestNodeORMs(t *testing.T) {
	node := nodeOrSkip(t)
	for _, o := range nodeORMScripts {
		t.Run(o.name, func(t *testing.T) {
			for _, pkg := range o.packages {
				if _, err := os.Stat(filepath.Join("node", "node_modules", pkg, "package.json")); err != nil {
					missingNode(t, "npm package "+pkg+" is not installed in testdata/node/node_modules")
				}
			}
			dsn := server.StartTenantTestServer(t, false)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, o.script)
			cmd.Dir = "node"
			cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("node %s: %v\n%s", o.script, err, out)
			}
			t.Logf("node %s:\n%s", o.script, out)
		})
	}
}

// nodeOrSkip returns the path of node, or ends the test as missingNode does.
func nodeOrSkip(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		missingNode(t, "node is not installed")
	}
	return node
}

// missingNode skips the test, or fails it under CI=true, where .ci/run must
// have installed node and testdata/node's packages.
func missingNode(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: .ci/run must install it)", why)
	}
	t.Skipf("%s; run `npm ci --prefix testdata/node` (needs node and npm)", why)
}
