package io.platform.processing.sources;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source reader that fetches no faster than its {@link AimdRate} allows, and tells the rate how much the downstream
 * pushed back. The signal is what Flink's credit-based flow control does to a source task: when the downstream has no
 * buffer for its output, the task stops calling {@link #pollNext} until one frees up. So the time between returning a
 * record ({@code MORE_AVAILABLE}) and the next call, beyond {@value #STALL_NANOS} ns, is time spent back-pressured,
 * measured here without Flink internals, wherever the task runs. The limit is a token bucket in records (a Kafka
 * reader emits one record per call); when it is empty the reader reports nothing available and wakes itself when
 * tokens are back, so the split fetcher's queue fills and Kafka fetching pauses. Two clock reads per record; no
 * allocation per record. Used by the task's thread only, except the wake-up timer.
 */
final class RateControlledReader<T, S extends SourceSplit> extends ForwardingSourceReader<T, S> {
    private static final Logger LOG = LoggerFactory.getLogger(RateControlledReader.class);
    /** A gap between calls longer than this is waiting on the downstream, not the mailbox's own work between records. */
    static final long STALL_NANOS = 50_000;
    /** The bucket holds this many seconds of the limit: bursts stay small, so the buffers it protects stay short. */
    private static final double BURST_SECONDS = 0.005;
    private static final ScheduledExecutorService WAKE_UPS = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "source-rate-wake-ups");
        thread.setDaemon(true);
        return thread;
    });

    private final AimdRate rate;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private double limit = Double.POSITIVE_INFINITY;
    private double tokens;
    private long refilledAt;
    private long intervalStart;
    private long emitted;
    private long stalledNanos;
    private boolean limitReached;
    private long returnedAt;
    private boolean returnedRecord;
    private CompletableFuture<Void> waitingForTokens;
    private volatile double lastLimit = -1;
    private volatile double lastBackPressuredRatio;

    RateControlledReader(SourceReader<T, S> delegate, AimdRate rate, MetricGroup metrics) {
        this(delegate, rate, metrics, System::nanoTime);
    }

    /** @param nanoClock what gaps, intervals and tokens are measured by ({@link System#nanoTime} but in tests) */
    RateControlledReader(SourceReader<T, S> delegate, AimdRate rate, MetricGroup metrics, LongSupplier nanoClock) {
        super(delegate);
        this.rate = rate;
        this.nanoClock = nanoClock;
        this.intervalStart = nanoClock.getAsLong();
        this.intervalNanos = rate.settings().intervalNanos();
        // -1 while unlimited; the gauges are read by Flink's reporters (and the platform's /metrics) when scraped
        metrics.gauge("sourceRateLimit", () -> lastLimit);
        metrics.gauge("sourceBackPressuredRatio", () -> lastBackPressuredRatio);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        long now = nanoClock.getAsLong();
        if (returnedRecord && now - returnedAt > STALL_NANOS) {
            stalledNanos += now - returnedAt;
        }
        if (now - intervalStart >= intervalNanos) {
            endInterval(now);
        }
        if (limit != Double.POSITIVE_INFINITY) {
            tokens = Math.min(Math.max(1, limit * BURST_SECONDS), tokens + (now - refilledAt) * limit / 1e9);
            refilledAt = now;
            if (tokens < 1) {
                limitReached = true;
                returnedRecord = false;
                long waitNanos = Math.max(100_000L, (long) ((1 - tokens) / limit * 1e9));
                CompletableFuture<Void> wake = new CompletableFuture<>();
                waitingForTokens = wake;
                WAKE_UPS.schedule(() -> wake.complete(null), waitNanos, TimeUnit.NANOSECONDS);
                return InputStatus.NOTHING_AVAILABLE;
            }
        }
        InputStatus status = delegate.pollNext(output);
        returnedRecord = status == InputStatus.MORE_AVAILABLE;
        if (returnedRecord) {
            emitted++;
            tokens -= 1; // a token per record handed out, not per call: a call that finds nothing costs none
        }
        returnedAt = nanoClock.getAsLong();
        return status;
    }

    private void endInterval(long now) {
        double seconds = (now - intervalStart) / 1e9;
        double emittedPerSecond = emitted / seconds;
        double backPressured = Math.min(1, stalledNanos / (double) (now - intervalStart));
        double before = limit;
        limit = rate.update(emittedPerSecond, backPressured, limitReached);
        if (before == Double.POSITIVE_INFINITY && limit != Double.POSITIVE_INFINITY) {
            tokens = 0;
            refilledAt = now;
            LOG.info("downstream back-pressured this source {}% of the last interval: fetching at most {} records/s (AIMD)",
                    Math.round(backPressured * 100), Math.round(limit));
        } else if (before != Double.POSITIVE_INFINITY && limit == Double.POSITIVE_INFINITY) {
            LOG.info("downstream keeps up again: source rate limit lifted");
        }
        lastLimit = limit == Double.POSITIVE_INFINITY ? -1 : limit;
        lastBackPressuredRatio = backPressured;
        intervalStart = now;
        emitted = 0;
        stalledNanos = 0;
        limitReached = false;
    }

    /** The limit in force, records per second; infinite when none. */
    double limit() {
        return limit;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        CompletableFuture<Void> wake = waitingForTokens;
        if (wake != null) {
            if (!wake.isDone()) {
                return wake;
            }
            waitingForTokens = null;
        }
        return delegate.isAvailable();
    }
}
