/**
 * On-demand CPU profiles of a running node as flame graphs: Java Flight Recorder samples in this JVM, folded by
 * stack and drawn as a self-contained SVG. Depends on the JDK only.
 */
package io.platform.observability.profiling;
