package io.platform.observability.profiling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Samples this JVM's threads with Java Flight Recorder ({@code jdk.ExecutionSample}, every 10 ms by default) for a
 * while, folds the samples by stack, and renders a flame graph: one box per frame, as wide as the share of samples
 * in which it was on the stack, callers below callees. JFR's sampling costs ~1% CPU, so it is safe on a live node.
 * Thread-safe; profiles run one at a time.
 */
public final class FlameGraphProfiler {
    private static final int WIDTH = 1200;
    private static final int FRAME_HEIGHT = 16;

    /** Samples for {@code duration} and returns the folded stacks ("a;b;c" to count), root first. */
    public synchronized Map<String, Long> sample(Duration duration, Duration period) throws IOException, InterruptedException {
        Path file = Files.createTempFile("platform-profile", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(period);
            recording.start();
            Thread.sleep(duration.toMillis());
            recording.stop();
            recording.dump(file);
            Map<String, Long> folded = new HashMap<>();
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                StringBuilder key = new StringBuilder();
                for (int i = frames.size() - 1; i >= 0; i--) {
                    RecordedFrame frame = frames.get(i);
                    if (key.length() > 0) {
                        key.append(';');
                    }
                    key.append(frame.getMethod().getType().getName()).append('.').append(frame.getMethod().getName());
                }
                folded.merge(key.toString(), 1L, Long::sum);
            }
            return folded;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Renders folded stacks as an SVG flame graph with a title and hover titles per frame. */
    public static String svg(Map<String, Long> folded, String title) {
        Node root = new Node("all");
        for (Map.Entry<String, Long> stack : folded.entrySet()) {
            Node node = root;
            node.samples += stack.getValue();
            for (String frame : stack.getKey().split(";")) {
                node = node.children.computeIfAbsent(frame, Node::new);
                node.samples += stack.getValue();
            }
        }
        int depth = root.depth();
        int height = (depth + 2) * FRAME_HEIGHT + 30;
        StringBuilder out = new StringBuilder();
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" font-family=\"monospace\" font-size=\"11\">\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fdfdf6\"/>\n")
                .append("<text x=\"10\" y=\"18\" font-size=\"14\">").append(escape(title)).append(" — ").append(root.samples)
                .append(" samples</text>\n");
        List<Object[]> boxes = new ArrayList<>();
        layout(root, 0, WIDTH, height - FRAME_HEIGHT - 4, root.samples, boxes);
        for (Object[] box : boxes) {
            Node node = (Node) box[0];
            double x = (Double) box[1];
            double w = (Double) box[2];
            int y = (Integer) box[3];
            int hue = Math.abs(node.name.hashCode()) % 60;
            out.append("<g><title>").append(escape(node.name)).append(" (").append(node.samples).append(" samples, ")
                    .append(String.format("%.1f", 100.0 * node.samples / Math.max(1, root.samples))).append("%)</title>")
                    .append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"rgb(%d,%d,%d)\" stroke=\"#fff\"/>",
                            x, y, w, FRAME_HEIGHT - 1, 220 + hue / 2, 90 + hue * 2, 40))
                    .append(w > 40 ? String.format("<text x=\"%.1f\" y=\"%d\">%s</text>", x + 3, y + 11,
                            escape(clip(node.name, (int) (w / 7)))) : "")
                    .append("</g>\n");
        }
        return out.append("</svg>\n").toString();
    }

    private static void layout(Node node, double x, double width, int y, long total, List<Object[]> boxes) {
        boxes.add(new Object[] {node, x, width, y});
        double childX = x;
        for (Node child : node.children.values()) {
            double childWidth = width * child.samples / Math.max(1, node.samples);
            if (childWidth >= 0.5) {
                layout(child, childX, childWidth, y - FRAME_HEIGHT, total, boxes);
            }
            childX += childWidth;
        }
    }

    private static String clip(String text, int chars) {
        return text.length() <= chars ? text : text.substring(Math.max(0, text.length() - chars + 2)) + "..";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final class Node {
        final String name;
        final Map<String, Node> children = new TreeMap<>();
        long samples;

        Node(String name) {
            this.name = name;
        }

        int depth() {
            int max = 0;
            for (Node child : children.values()) {
                max = Math.max(max, child.depth());
            }
            return max + 1;
        }
    }
}
