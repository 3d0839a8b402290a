/**
 * Query routing: a light HTTP router in front of query nodes that sends lookups (one series, or a short time range) to
 * nodes reserved for them and heavy scans elsewhere, so a dashboard's point reads never queue behind a scan. Plans to
 * classify, never reads storage: a router holds no data.
 */
package io.platform.query.routing;
