/**
 * The security service: the policy behind every HTTP listener's guard and the query API's table checks, and
 * {@code /v1/access}. Depends on the security module's access package; no other service depends on it but through
 * the guard and check it hands out.
 */
package io.platform.deploy.security;
