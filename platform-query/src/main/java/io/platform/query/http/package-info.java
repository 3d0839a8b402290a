/**
 * The query service's HTTP API: {@code POST /v1/query} with rows streamed as NDJSON. Depends on {@code exec}; must not
 * depend on {@code flight} or {@code routing}.
 */
package io.platform.query.http;
