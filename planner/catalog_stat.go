package planner

import "github.com/quartzdb/quartzdb/sql"

// catalog_stat.go serves the block I/O statistics views. QuartzDB keeps no
// such counters (Pebble's block cache has its own, on /metrics), so every
// user table has a row of zeros: what clients read from them is the row
// itself (Sequelize joins pg_statio_all_tables with pg_description to
// find column comments).

func init() {
	cols := []colInfo{
		col("relid", typeOid), col("schemaname", typeName), col("relname", typeName),
		col("heap_blks_read", relTypeInt8), col("heap_blks_hit", relTypeInt8),
		col("idx_blks_read", relTypeInt8), col("idx_blks_hit", relTypeInt8),
		col("toast_blks_read", relTypeInt8), col("toast_blks_hit", relTypeInt8),
		col("tidx_blks_read", relTypeInt8), col("tidx_blks_hit", relTypeInt8),
	}
	rows := relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		return tableStatRows(c, func(r *relObj, idx sql.Datum) []sql.Datum {
			z := int64(0)
			// No TOAST tables: their counters are NULL, as PostgreSQL shows
			// for a table without one.
			return []sql.Datum{r.oid, r.nspName, r.name, z, z, idx, idx, nil, nil, nil, nil}
		}), nil
	})
	// The session's database holds only user tables: the "all" and
	// "user" views show the same rows.
	for _, name := range []string{"pg_statio_all_tables", "pg_statio_user_tables"} {
		defineVirtual(name, append([]colInfo(nil), cols...), rows)
	}
}

// tableStatRows makes one statistics row per table of c; idx is what its
// index counters show: 0 for a table with indexes, NULL without.
func tableStatRows(c *relCatalog, row func(r *relObj, idx sql.Datum) []sql.Datum) [][]sql.Datum {
	var rows [][]sql.Datum
	for _, r := range c.rels {
		if r.kind != "r" {
			continue
		}
		var idx sql.Datum
		if len(r.table.Indexes) > 0 {
			idx = int64(0)
		}
		rows = append(rows, row(r, idx))
	}
	return rows
}
