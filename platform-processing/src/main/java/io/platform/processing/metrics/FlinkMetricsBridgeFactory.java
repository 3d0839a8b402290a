package io.platform.processing.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** How Flink creates the {@link FlinkMetricsBridge}: named in {@code metrics.reporter.platform.factory.class}. */
public final class FlinkMetricsBridgeFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new FlinkMetricsBridge();
    }
}
