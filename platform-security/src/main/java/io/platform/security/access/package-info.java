/**
 * Role-based access: roles and actions, the policy file's bindings, and the authorizer with its cached decisions.
 * Must not depend on any listener, transport or service: they ask it.
 */
package io.platform.security.access;
