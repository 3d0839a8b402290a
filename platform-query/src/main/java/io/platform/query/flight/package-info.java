/**
 * The query service over Arrow Flight SQL, for JDBC, ADBC and other Flight SQL clients. Depends on {@code exec} and
 * Arrow; must not depend on the HTTP API.
 */
package io.platform.query.flight;
