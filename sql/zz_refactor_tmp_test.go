package sql

import (
	"context"
	"testing"
)

func TestZZRefactorTmp(t *testing.T) {
	conn := startPostgres(t)
	ctx := context.Background()
	for _, expr := range []string{
		`json_extract_path('{"a":{"b":"c"}}', 'a', 'b')`, `json_extract_path_text('{"a":{"b":"c"}}', 'a', 'b')`,
		`jsonb_extract_path('{"a":{"b":"c"}}', 'a', 'b')`, `jsonb_extract_path_text('{"a":{"b":[1,2]}}', 'a', 'b')`,
		`jsonb_extract_path_text('{"a":{"b":null}}', 'a', 'b')`, `json_extract_path('{"a":1}', 'x')`,
		`json_extract_path(NULL::json, 'x')`, `jsonb_extract_path('[1,2,3]', '-1')`, `'{"a":[1,"x"]}'::jsonb #>> '{a,1}'`,
		`'{"a":[1,"x"]}'::jsonb -> 'a' -> 1`, `'{"a":[1,"x"]}'::jsonb ->> 'b'`,
		`'abc' LIKE 'a%' ESCAPE '#'`, `CASE 1 WHEN 2 THEN 'a' WHEN 1 THEN 'b' ELSE 'c' END`, `NULLIF(1, 1)`, `1 = ANY(ARRAY[1,2])`,
		`2 IS DISTINCT FROM NULL`, `ARRAY[1,2][1+1]`, `COALESCE(NULL, 2)`, `GREATEST(1, 3, 2)`, `1 IN (1, 2)`,
	} {
		t.Run(expr, func(t *testing.T) {
			wv, wnull, woid, werr := evOracle(ctx, conn, expr)
			gv, gnull, goid, gerr := evOurs(expr)
			if (werr == nil) != (gerr == nil) || wnull != gnull || wv != gv || woid != goid {
				t.Errorf("%s: pg %q %v %d %v; ours %q %v %d %v", expr, wv, wnull, woid, werr, gv, gnull, goid, gerr)
			}
			t.Logf("%s = %q", expr, gv)
		})
	}
	for _, c := range []evAggCase{
		{name: "sum", typ: "float4", values: []string{"1e38", "1e38", "1e38", "1e38"}},
		{name: "sum", typ: "int8", values: []string{}},
		{name: "sum", typ: "interval", values: []string{}},
		{name: "avg", typ: "float4", values: []string{"1", "2", "NULL"}},
		{name: "avg", typ: "int2", values: []string{"1", "2"}},
		{name: "avg", typ: "numeric", values: []string{}},
		{name: "avg", typ: "interval", values: []string{"NULL"}},
		{name: "sum", typ: "int8", values: []string{"9223372036854775807", "NULL", "1", "-5"}},
	} {
		q := c.sql()
		t.Run(q, func(t *testing.T) {
			wv, wnull, woid, werr := evOracle(ctx, conn, q)
			gv, gnull, goid, gerr := c.ours()
			if (werr == nil) != (gerr == nil) || wnull != gnull || wv != gv || woid != goid {
				t.Errorf("%s: pg %q %v %d %v; ours %q %v %d %v", q, wv, wnull, woid, werr, gv, gnull, goid, gerr)
			}
		})
	}
}

func TestZZPretty(t *testing.T) {
	conn := startPostgres(t)
	ctx := context.Background()
	for _, expr := range []string{
		`jsonb_pretty('{"a":[1,{"b":[],"c":{}},"x"],"d":{"e":null}}')`, `jsonb_pretty('[]')`, `jsonb_pretty('{}')`, `jsonb_pretty('1')`,
		`jsonb_pretty('[[1,2],[3]]')`,
	} {
		wv, wnull, woid, werr := evOracle(ctx, conn, expr)
		gv, gnull, goid, gerr := evOurs(expr)
		if (werr == nil) != (gerr == nil) || wnull != gnull || wv != gv || woid != goid {
			t.Errorf("%s: pg %q %v %d %v; ours %q %v %d %v", expr, wv, wnull, woid, werr, gv, gnull, goid, gerr)
		}
	}
}
