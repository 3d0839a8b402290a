/**
 * The contract every part of a node implements: {@link io.platform.deploy.service.Service} (one lifecycle) and the
 * {@link io.platform.deploy.service.HttpRoute routes} it contributes. Depends on nothing of the platform's own.
 */
package io.platform.deploy.service;
