package io.platform.processing.aggregation;

import io.platform.wire.aggregate.WindowAggregate;
import java.util.Arrays;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Folds events into count and per-field sum/min/max. Null fields (NaN) are left out of that field's figures.
 * When a schema evolves inside one window, fields are matched by name.
 */
final class WindowAccumulator implements AggregateFunction<KeyedEvent, WindowAggregate, WindowAggregate> {
    @Override
    public WindowAggregate createAccumulator() {
        WindowAggregate acc = new WindowAggregate();
        acc.fields = new String[0];
        acc.sums = new double[0];
        acc.mins = new double[0];
        acc.maxs = new double[0];
        return acc;
    }

    @Override
    public WindowAggregate add(KeyedEvent event, WindowAggregate acc) {
        acc.count++;
        for (int i = 0; i < event.fields.length; i++) {
            double v = event.values[i];
            if (Double.isNaN(v)) {
                continue;
            }
            int slot = i < acc.fields.length && acc.fields[i].equals(event.fields[i]) ? i : slotOf(acc, event.fields[i]);
            acc.sums[slot] += v;
            acc.mins[slot] = Math.min(acc.mins[slot], v);
            acc.maxs[slot] = Math.max(acc.maxs[slot], v);
        }
        return acc;
    }

    private static int slotOf(WindowAggregate acc, String field) {
        int slot = acc.fieldIndex(field);
        if (slot >= 0) {
            return slot;
        }
        int n = acc.fields.length;
        acc.fields = Arrays.copyOf(acc.fields, n + 1);
        acc.sums = Arrays.copyOf(acc.sums, n + 1);
        acc.mins = Arrays.copyOf(acc.mins, n + 1);
        acc.maxs = Arrays.copyOf(acc.maxs, n + 1);
        acc.fields[n] = field;
        acc.mins[n] = Double.POSITIVE_INFINITY;
        acc.maxs[n] = Double.NEGATIVE_INFINITY;
        return n;
    }

    @Override
    public WindowAggregate getResult(WindowAggregate acc) {
        return acc;
    }

    @Override
    public WindowAggregate merge(WindowAggregate a, WindowAggregate b) {
        a.count += b.count;
        for (int i = 0; i < b.fields.length; i++) {
            int slot = slotOf(a, b.fields[i]);
            a.sums[slot] += b.sums[i];
            a.mins[slot] = Math.min(a.mins[slot], b.mins[i]);
            a.maxs[slot] = Math.max(a.maxs[slot], b.maxs[i]);
        }
        return a;
    }
}
