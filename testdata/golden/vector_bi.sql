-- BI tools' introspection (see testdata/differential/bi_tools.sql for the
-- sources) over pgvector objects, which the reference PostgreSQL here
-- lacks: how Metabase, DBeaver and Grafana see a vector(3) column and an
-- hnsw index. Reviewed against what pgvector on PostgreSQL 15 answers.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL, embedding vector(3), half halfvec(2));
CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_l2_ops);
-- metabase/metabase src/metabase/driver/postgres.clj describe-fields-sql (first branch)
SELECT "c"."column_name" AS "name", CASE WHEN "c"."udt_schema" IN ('public', 'pg_catalog') THEN FORMAT('%s', "c"."udt_name") ELSE FORMAT('"%s"."%s"', "c"."udt_schema", "c"."udt_name") END AS "database-type", "c"."ordinal_position" - 1 AS "database-position", "c"."table_name" AS "table-name", "is_nullable" = 'YES' AS "database-is-nullable" FROM "information_schema"."columns" AS "c" WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND ("c"."table_schema" IN ('public')) ORDER BY "table-name" ASC, "database-position" ASC;
-- metabase/metabase src/metabase/driver/postgres.clj enum-types: vector is no enum
SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e);
-- dbeaver/dbeaver .../ext/postgresql/model/PostgreSchema.java TableCache children
SELECT relname, attname, format_type(atttypid, atttypmod), atttypmod, def_value FROM (
SELECT c.relname,a.*,pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value,dsc.description,dep.objid
FROM pg_catalog.pg_attribute a
INNER JOIN pg_catalog.pg_class c ON (a.attrelid=c.oid)
LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid=ad.adrelid AND a.attnum = ad.adnum)
LEFT OUTER JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)
LEFT OUTER JOIN pg_depend dep on dep.refobjid = a.attrelid AND dep.deptype = 'i' and dep.refobjsubid = a.attnum and dep.classid = dep.refclassid
WHERE NOT a.attisdropped AND c.relkind not in ('i','I','c') AND c.oid='items'::regclass
ORDER BY a.attnum
) q WHERE attnum > 0 ORDER BY attnum;
-- PostgreSchema.java IndexCache (stable columns), then the index column
SELECT relname, tabrelname, indisunique, keys, pred_expr, expr FROM (
SELECT i.*,i.indkey as keys,c.relname,c.relnamespace,c.relam,c.reltablespace,tc.relname as tabrelname,dsc.description,pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred_expr,pg_catalog.pg_get_expr(i.indexprs, i.indrelid, true) as expr,pg_catalog.pg_relation_size(i.indexrelid) as index_rel_size,pg_catalog.pg_stat_get_numscans(i.indexrelid) as index_num_scans
FROM pg_catalog.pg_index i
INNER JOIN pg_catalog.pg_class c ON c.oid=i.indexrelid
INNER JOIN pg_catalog.pg_class tc ON tc.oid=i.indrelid
LEFT OUTER JOIN pg_catalog.pg_description dsc ON i.indexrelid=dsc.objoid
WHERE  c.relnamespace=2200 ORDER BY c.relname
) q ORDER BY relname;
select pg_catalog.pg_get_indexdef('items_embedding_idx'::regclass, 1, true);
-- grafana/grafana .../grafana-postgresql-datasource/postgresMetaQuery.ts getSchema('items')
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('items'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('items'))[1]
          AND quote_ident(table_name) = (parse_ident('items'))[2]
        ELSE quote_ident(table_name) = 'items'
          AND 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      END ORDER BY 1;
