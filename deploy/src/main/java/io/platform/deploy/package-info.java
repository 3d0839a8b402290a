/**
 * The {@code platform} launcher's root command ({@code PlatformCli}, the jar's main class); its commands live in
 * {@code cli}. Must not hold command logic or depend on a service's internals.
 */
package io.platform.deploy;
