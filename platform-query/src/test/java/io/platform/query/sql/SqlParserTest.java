package io.platform.query.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SqlParserTest {
    @Test
    void shouldParseTheWholeSubset() throws SqlException {
        SelectStatement s = SqlParser.parse("SELECT device, time_bucket('10s', ts) AS b, count(*) n, avg(temperature) "
                + "FROM readings WHERE device = 'd''1' AND ts BETWEEN 10 AND 20 AND temperature > -1.5 "
                + "GROUP BY device, time_bucket('10s', ts) ORDER BY n DESC, 1 LIMIT 10;");
        assertEquals("readings", s.table());
        assertEquals(4, s.items().size());
        assertEquals("b", s.items().get(1).name());
        assertEquals("n", s.items().get(2).name());
        assertEquals("avg(temperature)", s.items().get(3).name());
        assertEquals(4, s.where().size());
        assertEquals("d'1", s.where().get(0).value());
        assertEquals(-1.5, s.where().get(3).value());
        assertEquals(2, s.groupBy().size());
        assertTrue(s.orderBy().get(0).descending());
        assertEquals(10, s.limit());
        assertTrue(s.aggregates());
    }

    @Test
    void shouldParseStarAndQuotedIdentifiers() throws SqlException {
        SelectStatement s = SqlParser.parse("select * from \"my-table\"");
        assertEquals("my-table", s.table());
        assertFalse(s.aggregates());
    }

    @Test
    void reportsThePositionOfEachError() {
        assertEquals(21, assertThrows(SqlException.class, () -> SqlParser.parse("SELECT count(*) FROM")).position());
        assertEquals(8, assertThrows(SqlException.class, () -> SqlParser.parse("SELECT FROM t")).position());
        assertEquals(25, assertThrows(SqlException.class, () -> SqlParser.parse("SELECT a FROM t WHERE a ~ 1")).position());
        assertEquals(17, assertThrows(SqlException.class, () -> SqlParser.parse("SELECT a FROM t 'x'")).position());
        SqlException unterminated = assertThrows(SqlException.class, () -> SqlParser.parse("SELECT a FROM t WHERE a = 'x"));
        assertTrue(unterminated.getMessage().contains("unterminated"));
    }
}
