/**
 * Alert thresholds learned from a metric's own history: a seasonal baseline per time-of-day slot with a robust spread,
 * so a normal daily peak does not page and a real degradation does. Pure computation; depends on the JDK only.
 */
package io.platform.observability.alerting;
