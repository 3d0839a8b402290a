/**
 * The ingest side of the platform; see the sub-packages: schema registry, gateway, dead-letter publishing, client. No
 * classes of its own. Ingest ends at the Kafka topics: nothing here may depend on storage, processing or query.
 */
package io.platform.ingest;
