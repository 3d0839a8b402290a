package io.platform.processing.jobs;

/**
 * A streaming job written in Java against the platform: read streams, transform them with Flink's DataStream API,
 * write the results into streams. Package it in a jar (with the platform's jars as provided dependencies), name the
 * class in the manifest ({@code Platform-Job: com.example.MyJob}) or with {@code --class}, and submit it with
 * {@code platform job submit <name> --jar job.jar}. The class needs a public no-argument constructor.
 *
 * <pre>{@code
 * public final class HotDevices implements PlatformJob {
 *     public void define(JobContext context) {
 *         DataStream<Row> readings = context.stream("readings");
 *         context.toStream(readings.filter(r -> (Double) r.getField("temperature") > 30.0), "hot_readings");
 *     }
 * }
 * }</pre>
 */
public interface PlatformJob {
    /** Adds the job's operators to {@code context}'s environment; called once per start, on the submitting node. */
    void define(JobContext context) throws Exception;
}
