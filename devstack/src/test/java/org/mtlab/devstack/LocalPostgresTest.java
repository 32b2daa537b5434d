package org.mtlab.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class LocalPostgresTest {
    @Test
    void servesSqlOverJdbc() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(0);
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, "");
             ResultSet rs = c.createStatement().executeQuery("select current_setting('server_version_num')::int / 10000")) {
            rs.next();
            assertEquals(17, rs.getInt(1));
        }
    }
}
