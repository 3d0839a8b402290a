package io.platform.network.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.platform.network.FrameHandler;
import io.platform.network.tcp.FramedTcpClient;
import io.platform.network.tcp.FramedTcpServer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sampled flow counters: estimates near the truth, one flow per connection, a bounded table. */
class FlowSamplerTest {
    @Test
    void rateOneCountsEveryFrameExactly() {
        FlowSampler sampler = new FlowSampler(1, 16, 60_000);
        FlowSampler.Flow flow = sampler.open("tcp", "a:1", "b:2");
        for (int i = 0; i < 1000; i++) {
            flow.frameIn(100);
        }
        flow.frameOut(7);
        FlowSampler.FlowRecord record = sampler.list().get(0);
        assertEquals(1000, record.framesIn());
        assertEquals(100_000, record.bytesIn());
        assertEquals(1, record.framesOut());
        assertEquals(7, record.bytesOut());
    }

    @Test
    void oneInSixtyFourEstimatesBytesWithinAFewPercent() {
        FlowSampler sampler = new FlowSampler(64, 16, 60_000);
        FlowSampler.Flow flow = sampler.open("tcp", "a:1", "b:2");
        long trueBytes = 0;
        int frames = 200_000;
        for (int i = 0; i < frames; i++) {
            int size = 50 + (i % 17) * 40; // sizes cycle: a periodic pattern a fixed skip could alias with
            trueBytes += size;
            flow.frameIn(size);
        }
        FlowSampler.FlowRecord record = sampler.list().get(0);
        assertEquals(frames, record.framesIn(), frames * 0.05, "frames estimated from " + record.samples() + " samples");
        assertEquals(trueBytes, record.bytesIn(), trueBytes * 0.05, "bytes");
        assertTrue(record.samples() > 2_000 && record.samples() < 4_500, "about 1 in 64 sampled: " + record.samples());
    }

    @Test
    void aFullTableCountsNewFlowsInOneOverflowFlow() {
        FlowSampler sampler = new FlowSampler(1, 2, 60_000);
        sampler.open("tcp", "a:1", "b:1").frameIn(1);
        sampler.open("tcp", "a:1", "b:2").frameIn(1);
        sampler.open("tcp", "a:1", "b:3").frameIn(5);
        sampler.open("tcp", "a:1", "b:4").frameIn(5);
        List<FlowSampler.FlowRecord> flows = sampler.list();
        assertEquals(3, flows.size(), flows.toString());
        assertEquals(FlowSampler.OVERFLOW, flows.get(0).remote(), "the overflow flow carries both late flows: 10 bytes");
        assertEquals(10, flows.get(0).bytesIn());
    }

    @Test
    void theTcpTransportReportsItsConnectionsToTheGlobalSampler() throws Exception {
        FlowSampler global = FlowSampler.global();
        int previousRate = global.samplingRate();
        global.setSamplingRate(1);
        int frames = 500;
        CountDownLatch echoed = new CountDownLatch(frames);
        FrameHandler echo = (connection, frame) -> connection.send(frame.retainedDuplicate());
        try (FramedTcpServer server = FramedTcpServer.bind("127.0.0.1", 0, 1, 1 << 16, echo);
             FramedTcpClient client = FramedTcpClient.connect("127.0.0.1", server.port(), 1 << 16, (c, f) -> echoed.countDown())) {
            for (int i = 0; i < frames; i++) {
                ByteBuf frame = client.connection().alloc().buffer(96);
                frame.writeZero(96);
                client.connection().send(frame);
            }
            assertTrue(echoed.await(30, TimeUnit.SECONDS));
            String serverSide = "127.0.0.1:" + server.port();
            FlowSampler.FlowRecord atServer = global.list().stream()
                    .filter(f -> f.transport().equals("tcp") && f.local().endsWith(serverSide)).findFirst().orElseThrow(() -> new AssertionError(global.list().toString()));
            assertEquals(frames, atServer.framesIn());
            assertEquals(frames * 100L, atServer.bytesIn(), "96-byte frames plus the 4-byte length prefix");
            assertEquals(frames, atServer.framesOut());
            FlowSampler.FlowRecord atClient = global.list().stream()
                    .filter(f -> f.transport().equals("tcp") && f.remote().endsWith(serverSide)).findFirst().orElseThrow(() -> new AssertionError(global.list().toString()));
            assertEquals(frames, atClient.framesOut());
        } finally {
            global.setSamplingRate(previousRate);
        }
    }
}
