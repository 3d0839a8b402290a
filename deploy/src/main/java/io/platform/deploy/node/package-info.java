/**
 * The node: its configuration ({@code NodeConfig}, every key with its default and meaning), the data-dir lock, and
 * {@code PlatformNode}, which runs the services of its role in order. Holds no service's logic; services must not
 * depend on this package beyond {@code NodeConfig}, {@code ConfigException}, {@code HostResources} and {@code NodeTls}.
 */
package io.platform.deploy.node;
