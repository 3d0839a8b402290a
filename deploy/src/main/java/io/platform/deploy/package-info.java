/** The {@code platform} command line: every subcommand of the launcher. Depends on all service modules. */
package io.platform.deploy;
