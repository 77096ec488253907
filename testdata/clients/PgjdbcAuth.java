// pgjdbc with QuartzDB API keys, run by server/auth_test.go's
// TestOtherClientsKeyLogins as a single-file program:
// java -cp postgresql.jar PgjdbcAuth.java. SCRAM-SHA-256 with the key id
// as user name, cleartext with the tenant name, and SQLSTATE 28P01 for a
// wrong key. Prints FAIL: and exits 1 on any mismatch.
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

public class PgjdbcAuth {
    static void fail(String msg) {
        System.out.println("FAIL: " + msg);
        System.exit(1);
    }

    public static void main(String[] args) throws Exception {
        String host = System.getenv("QZ_HOST"), port = System.getenv("QZ_PORT");
        String key = System.getenv("QZ_KEY"), keyId = System.getenv("QZ_KEY_ID"), tenant = System.getenv("QZ_TENANT");
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + tenant + "?sslmode=disable";
        for (String user : new String[] {"qz_" + keyId, tenant}) {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", key);
            try (Connection c = DriverManager.getConnection(url, p);
                 PreparedStatement st = c.prepareStatement("SELECT current_database(), ? + 1")) {
                st.setInt(1, 41);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next() || !tenant.equals(rs.getString(1)) || rs.getInt(2) != 42) {
                        fail(user + ": unexpected result");
                    }
                }
            }
            System.out.println("ok: " + user + " logged in");
            p.setProperty("password", key.substring(0, key.length() - 4) + "aaaa");
            try (Connection c = DriverManager.getConnection(url, p)) {
                fail(user + ": a wrong key logged in");
            } catch (SQLException e) {
                if (!"28P01".equals(e.getSQLState())) {
                    fail(user + ": wrong key gave " + e.getSQLState() + " " + e.getMessage());
                }
            }
            System.out.println("ok: " + user + " wrong key refused with 28P01");
        }
    }
}
