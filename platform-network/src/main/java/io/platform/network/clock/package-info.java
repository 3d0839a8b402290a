/**
 * Clock synchronisation between nodes in software: an IEEE 1588-style two-way time exchange over UDP (the PTP
 * sync / delay-request timestamps t1..t4) estimating offset, path delay and drift. Depends on the JDK only.
 */
package io.platform.network.clock;
