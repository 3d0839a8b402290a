/** SQL over storage; see {@code sql} (parsing), {@code exec} (planning and execution) and {@code http} (the API). */
package io.platform.query;
