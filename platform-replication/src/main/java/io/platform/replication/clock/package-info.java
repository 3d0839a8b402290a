/**
 * Hybrid logical clocks for ordering writes across sites: physical time when clocks agree, a logical counter when
 * they do not, so last-writer-wins never goes backwards. Depends only on the JDK.
 */
package io.platform.replication.clock;
