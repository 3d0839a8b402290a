/** Forecasts of bandwidth and storage growth by exponential smoothing. Depends only on the JDK. */
package io.platform.capacity.forecast;
