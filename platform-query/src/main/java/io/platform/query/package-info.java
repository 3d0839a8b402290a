/**
 * SQL over storage; see {@code sql} (parsing), {@code exec} (planning and execution), {@code http} and {@code flight}
 * (the APIs) and {@code routing}. No classes of its own.
 */
package io.platform.query;
