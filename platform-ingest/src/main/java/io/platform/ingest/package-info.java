/** The ingest side of the platform; see the sub-packages: schema registry, gateway, dead-letter publishing, client. */
package io.platform.ingest;
