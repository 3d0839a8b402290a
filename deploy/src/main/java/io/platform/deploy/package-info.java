/** The {@code platform} launcher's root command ({@code PlatformCli}, the jar's main class); its commands live in {@code cli}. */
package io.platform.deploy;
