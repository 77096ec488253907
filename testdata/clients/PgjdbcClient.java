// pgjdbc against QuartzDB, run by testdata/clients_test.go as a single-file
// program: java -cp postgresql.jar PgjdbcClient.java. A vector column
// written with setObject(..., Types.OTHER) and PGobject, nearest
// neighbours, batches, a fetch size in a transaction (pgjdbc's Execute
// with a row limit, answered with PortalSuspended) and DatabaseMetaData.
// Prints "ok: ..." per step, "FAIL: ..." and exits 1 on a wrong answer;
// a step that needs a QuartzDB feature not there yet prints "GAP ...: "
// with the server's error and the program goes on (see qzclient.py).
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.postgresql.util.PGobject;

public class PgjdbcClient {
    static Connection c;
    static int portalSuspended;
    static String lastQuery = "";

    static void fail(String msg) {
        System.out.println("FAIL: " + msg);
        System.exit(1);
    }

    static void ok(String msg) {
        System.out.println("ok: " + msg);
    }

    static void check(boolean cond, String msg) {
        if (!cond) {
            fail(msg);
        }
    }

    interface Step {
        void run() throws SQLException;
    }

    // gap runs a step that needs a QuartzDB feature not there yet: a server
    // error prints GAP with its SQLSTATE and message; wrong answers still fail.
    static void gap(String name, Step step) throws SQLException {
        try {
            step.run();
        } catch (SQLException e) {
            String q = lastQuery.replaceAll("\\s+", " ");
            System.out.println("GAP " + name + ": " + e.getSQLState() + " " + e.getMessage().replaceAll("\\s+", " ")
                    + " [SQL: " + q.substring(0, Math.min(q.length(), 400)) + "]");
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
    }

    static List<String> column(ResultSet rs, String name) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                out.add(rs.getString(name));
            }
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        // pgjdbc logs its protocol messages at FINEST: count PortalSuspended
    // and keep the last query sent, for GAP lines.
        Logger log = Logger.getLogger("org.postgresql");
        log.setLevel(Level.FINEST);
        log.addHandler(new Handler() {
            public void publish(LogRecord r) {
                String m = r.getMessage();
                if (m == null) {
                    return;
                }
                if (m.contains("<=BE PortalSuspended")) {
                    portalSuspended++;
                } else if (m.contains("FE=> Parse") || m.contains("FE=> SimpleQuery")) {
                    Object[] ps = r.getParameters();
                    lastQuery = ps == null ? m : java.text.MessageFormat.format(m, ps);
                }
            }

            public void flush() {}

            public void close() {}
        });
        String url = "jdbc:postgresql://" + System.getenv("QZ_HOST") + ":" + System.getenv("QZ_PORT") + "/"
                + System.getenv("QZ_DB") + "?sslmode=disable&ApplicationName=pgjdbc-client-test";
        Properties p = new Properties();
        p.setProperty("user", System.getenv("QZ_USER"));
        p.setProperty("password", System.getenv("QZ_PASSWORD"));
        c = DriverManager.getConnection(url, p);
        DatabaseMetaData md = c.getMetaData();
        check(md.getDatabaseMajorVersion() == 15, "server version " + md.getDatabaseProductVersion());
        ok("connected: " + md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());

        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, embedding vector(3))");
            s.execute("CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_l2_ops)");
        }
        ok("created table and hnsw index");

        // A vector as a string of unspecified type, the server infers vector.
        String[][] items = {{"a", "[1,2,3]"}, {"b", "[4,5,6]"}, {"c", "[7,8,9]"}, {"d", "[0,0,1]"}};
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, embedding) VALUES (?, ?, ?)")) {
            for (int i = 0; i < items.length; i++) {
                ps.setLong(1, i + 1);
                ps.setString(2, items[i][0]);
                ps.setObject(3, items[i][1], Types.OTHER);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            check(counts.length == items.length && counts[0] == 1, "batch counts");
        }
        ok("batch insert with setObject(Types.OTHER)");

        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, embedding, embedding <-> ?::vector AS d FROM items ORDER BY embedding <-> ?::vector LIMIT ?")) {
            ps.setString(1, "[6,6,6]");
            ps.setString(2, "[6,6,6]");
            ps.setInt(3, 2);
            try (ResultSet rs = ps.executeQuery()) {
                check(rs.next() && rs.getString(1).equals("b") && rs.getString(2).equals("[4,5,6]")
                        && Math.abs(rs.getDouble(3) - Math.sqrt(5)) < 1e-9, "nearest first row");
                check(rs.next() && rs.getString(1).equals("c") && !rs.next(), "nearest second row");
            }
        }
        ok("nearest neighbours, vector read with getString");

        // GAP: pgjdbc names a type it does not know (getObject,
        // getColumnTypeName) by querying pg_type joined to pg_namespace.
        gap("pgjdbc getObject/getColumnTypeName on a vector column", () -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT embedding FROM items WHERE id = 2")) {
                check(rs.next(), "a row");
                String typeName = rs.getMetaData().getColumnTypeName(1);
                check(typeName.equals("vector"), "result column type name " + typeName);
                Object o = rs.getObject(1);
                check(o instanceof PGobject && ((PGobject) o).getType().equals("vector")
                        && ((PGobject) o).getValue().equals("[4,5,6]"), "getObject: " + o);
            }
            ok("getObject on a vector column is a PGobject of type vector");
        });

        // GAP: a PGobject's type name is turned into an OID with a query
        // over pg_type, pg_namespace and current_schemas().
        gap("pgjdbc setObject(PGobject vector)", () -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, embedding) VALUES (?, ?, ?)")) {
                PGobject v = new PGobject();
                v.setType("vector");
                v.setValue("[1,1,1]");
                ps.setLong(1, 5);
                ps.setString(2, "e");
                ps.setObject(3, v);
                check(ps.executeUpdate() == 1, "PGobject insert count");
            }
            ok("setObject(PGobject of type vector)");
        });

        try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
            ps.setLong(1, 1);
            ps.setString(2, "dup");
            ps.executeUpdate();
            fail("duplicate key accepted");
        } catch (SQLException e) {
            check("23505".equals(e.getSQLState()), "duplicate key: " + e.getSQLState() + " " + e.getMessage());
        }
        ok("duplicate key is SQLSTATE 23505");

        // A fetch size only applies in a transaction: pgjdbc sends Execute
        // with a row limit and expects PortalSuspended until the end.
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO items (id, name) SELECT i, 'n' || i FROM generate_series(100, 149) AS g(i)");
        }
        c.setAutoCommit(false);
        int before = portalSuspended, n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM items WHERE id >= ? ORDER BY id")) {
            ps.setFetchSize(7);
            ps.setLong(1, 100);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    check(rs.getLong(1) == 100 + n && rs.getString(2).equals("n" + (100 + n)), "row " + n);
                    n++;
                }
            }
        }
        c.commit();
        c.setAutoCommit(true);
        check(n == 50, "fetched " + n + " rows");
        check(portalSuspended - before == 7, "PortalSuspended " + (portalSuspended - before) + " times, want 7 (50 rows by 7)");
        ok("setFetchSize(7) in a transaction: 50 rows over 8 Executes, 7 PortalSuspended");

        // GAP: DatabaseMetaData reads pg_catalog relations not there yet.
        gap("DatabaseMetaData.getTables", () -> {
            List<String> t = column(md.getTables(null, "public", "%", new String[] {"TABLE"}), "TABLE_NAME");
            check(t.equals(List.of("items")), "getTables: " + t);
            ok("DatabaseMetaData.getTables");
        });
        gap("DatabaseMetaData.getColumns", () -> {
            List<String> names = new ArrayList<>(), types = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, "public", "items", "%")) {
                while (rs.next()) {
                    names.add(rs.getString("COLUMN_NAME"));
                    types.add(rs.getString("TYPE_NAME") + ":" + rs.getString("IS_NULLABLE"));
                }
            }
            check(names.equals(List.of("id", "name", "embedding")), "getColumns names: " + names);
            check(types.equals(List.of("int8:NO", "text:NO", "vector:YES")), "getColumns types: " + types);
            ok("DatabaseMetaData.getColumns");
        });
        gap("DatabaseMetaData.getPrimaryKeys", () -> {
            List<String> k = column(md.getPrimaryKeys(null, "public", "items"), "COLUMN_NAME");
            check(k.equals(List.of("id")), "getPrimaryKeys: " + k);
            ok("DatabaseMetaData.getPrimaryKeys");
        });
        gap("DatabaseMetaData.getIndexInfo", () -> {
            List<String> ix = column(md.getIndexInfo(null, "public", "items", false, false), "INDEX_NAME");
            check(ix.contains("items_pkey") && ix.contains("items_embedding_idx"), "getIndexInfo: " + ix);
            ok("DatabaseMetaData.getIndexInfo");
        });
        c.close();
        ok("done");
    }
}
