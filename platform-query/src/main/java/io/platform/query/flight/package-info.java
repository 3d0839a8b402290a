/** The query service over Arrow Flight SQL, for JDBC, ADBC and other Flight SQL clients. */
package io.platform.query.flight;
