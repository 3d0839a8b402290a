/**
 * SQL over storage; see {@code sql} (parsing), {@code exec} (planning and execution), {@code http} and {@code flight}
 * (the APIs) and {@code routing}. No classes of its own. The module must not depend on the ingest gateway or on
 * processing: it reads storage and the schema catalog only.
 */
package io.platform.query;
