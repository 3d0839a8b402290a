/**
 * The node: its configuration ({@code NodeConfig}, every key with its default and meaning), the data-dir lock, and
 * {@code PlatformNode}, which runs the services of its role in order. Holds no service's logic.
 */
package io.platform.deploy.node;
