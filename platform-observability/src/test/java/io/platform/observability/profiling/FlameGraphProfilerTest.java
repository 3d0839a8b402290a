package io.platform.observability.profiling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FlameGraphProfilerTest {
    /** Burns CPU in a method whose name the profile must show. */
    static double spinInRecognizableMethod(AtomicBoolean running) {
        double x = 0;
        while (running.get()) {
            for (int i = 0; i < 10_000; i++) {
                x += Math.sqrt(i * x + 1);
            }
        }
        return x;
    }

    @Test
    void samplesABusyThreadAndDrawsItsStackInTheSvg() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread busy = new Thread(() -> spinInRecognizableMethod(running), "busy");
        busy.start();
        Map<String, Long> folded;
        try {
            folded = new FlameGraphProfiler().sample(Duration.ofMillis(1500), Duration.ofMillis(10));
        } finally {
            running.set(false);
            busy.join();
        }
        assertTrue(folded.keySet().stream().anyMatch(stack -> stack.contains("FlameGraphProfilerTest.spinInRecognizableMethod")),
                "the busy method is in the sampled stacks: " + folded.keySet().stream().limit(5).toList());
        String svg = FlameGraphProfiler.svg(folded, "test");
        assertTrue(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"));
        assertTrue(svg.contains("spinInRecognizableMethod"), "the frame is drawn and titled");
    }

    @Test
    void rendersFoldedStacksWithWidthsProportionalToSamples() {
        String svg = FlameGraphProfiler.svg(Map.of("main;a;b", 3L, "main;c", 1L), "fixed");
        assertTrue(svg.contains("<title>main (4 samples, 100.0%)</title>"));
        assertTrue(svg.contains("<title>a (3 samples, 75.0%)</title>"));
        assertTrue(svg.contains("<title>c (1 samples, 25.0%)</title>"));
    }
}
