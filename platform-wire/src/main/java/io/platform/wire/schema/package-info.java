/**
 * Registered stream schemas: what a stream's records look like, which field is its event time and which make its series
 * key, and the catalog that every service reads them from (the compacted {@code _schemas} topic). Must not depend on
 * another platform module.
 */
package io.platform.wire.schema;
