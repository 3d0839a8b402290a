/**
 * Forecasts of bandwidth and storage growth by exponential smoothing. Pure computation: depends only on the JDK, never
 * on a service module.
 */
package io.platform.capacity.forecast;
