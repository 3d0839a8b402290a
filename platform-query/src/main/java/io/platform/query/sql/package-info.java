/**
 * The SQL subset the query service speaks, its tokenizer and recursive-descent parser. Pure: depends on nothing but
 * the JDK, so it can be tested and reused alone.
 */
package io.platform.query.sql;
