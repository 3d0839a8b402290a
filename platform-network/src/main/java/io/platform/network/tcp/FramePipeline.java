package io.platform.network.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslHandler;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import io.platform.network.flow.FlowSampler;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pipeline both ends share: 4-byte length prefix in and out, then the user's frame handler. */
final class FramePipeline {
    private static final Logger LOG = LoggerFactory.getLogger(FramePipeline.class);

    private FramePipeline() {
    }

    static void install(ChannelPipeline pipeline, int maxFrameLength, FrameHandler handler) {
        install(pipeline, maxFrameLength, handler, null);
    }

    /** As above, behind TLS when {@code tls} is given (server or client side, as the handler was made). */
    static void install(ChannelPipeline pipeline, int maxFrameLength, FrameHandler handler, SslHandler tls) {
        if (tls != null) {
            pipeline.addLast(tls);
        }
        pipeline.addLast(new LengthFieldBasedFrameDecoder(maxFrameLength, 0, 4, 0, 4));
        pipeline.addLast(new LengthFieldPrepender(4));
        if (FlowSampler.global().enabled()) {
            // between the codec and the dispatcher, so it sees whole frames both ways
            pipeline.addLast(new FlowCounting(FlowSampler.global(), tls == null ? "tcp" : "tcp+tls"));
        }
        pipeline.addLast(new Dispatcher(handler));
    }

    /** Reports every frame in and out of one connection to its sampled flow. */
    static final class FlowCounting extends ChannelDuplexHandler {
        private final FlowSampler sampler;
        private final String transport;
        private FlowSampler.Flow flow;

        FlowCounting(FlowSampler sampler, String transport) {
            this.sampler = sampler;
            this.transport = transport;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            flow = sampler.open(transport, String.valueOf(ctx.channel().localAddress()), String.valueOf(ctx.channel().remoteAddress()));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (flow != null && msg instanceof ByteBuf frame) {
                flow.frameIn(LENGTH_PREFIX + frame.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (flow != null && msg instanceof ByteBuf frame) {
                flow.frameOut(LENGTH_PREFIX + frame.readableBytes());
            }
            ctx.write(msg, promise);
        }
    }

    private static final int LENGTH_PREFIX = 4;

    static final class Dispatcher extends SimpleChannelInboundHandler<ByteBuf> {
        private final FrameHandler handler;
        private ChannelConnection connection;

        Dispatcher(FrameHandler handler) {
            this.handler = handler;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connection = new ChannelConnection(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            handler.onFrame(connection, frame);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handler.onClose(connection);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer that sends an oversized or garbled length gets disconnected; the gateway stays up.
            LOG.warn("closing connection remote={} reason={}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /**
     * Writes frames and coalesces flushes: frames sent from any thread (Kafka ack callbacks, load generators) queue up,
     * and one task on the channel's event loop writes every queued frame and flushes once: one syscall per burst
     * instead of one per frame. The drain clears its flag before taking frames, so a frame queued at any moment is
     * either taken by the running drain or schedules the next one; none waits for an unrelated later send.
     */
    static final class ChannelConnection implements FrameConnection {
        /** Frames waiting for the event loop; a sender finding it full waits (back-pressure), the loop drains first. */
        static final int QUEUE_CAPACITY = 1 << 16;
        private final Channel channel;
        // an array queue: a linked queue allocated a node per frame sent
        private final Queue<ByteBuf> queued = new ManyToOneConcurrentArrayQueue<>(QUEUE_CAPACITY);
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        private final Runnable drain;
        // read once per connection on its I/O thread (the only caller): the handler asks on every frame
        private boolean principalRead;
        private String principal;

        ChannelConnection(Channel channel) {
            this.channel = channel;
            this.drain = () -> {
                drainScheduled.set(false);
                ByteBuf frame;
                boolean wrote = false;
                while ((frame = queued.poll()) != null) {
                    channel.write(frame, channel.voidPromise());
                    wrote = true;
                }
                if (wrote) {
                    channel.flush();
                }
            };
        }

        @Override
        public void send(ByteBuf frame) {
            while (!queued.offer(frame)) {
                if (channel.eventLoop().inEventLoop()) {
                    drain.run();
                } else if (!channel.isActive()) {
                    frame.release();
                    return;
                } else {
                    Thread.yield();
                }
            }
            if (drainScheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(drain);
            }
        }

        @Override
        public ByteBufAllocator alloc() {
            return channel.alloc();
        }

        @Override
        public boolean isWritable() {
            return channel.isWritable();
        }

        @Override
        public void setReading(boolean reading) {
            channel.config().setAutoRead(reading);
        }

        @Override
        public String remoteAddress() {
            return String.valueOf(channel.remoteAddress());
        }

        @Override
        public String principal() {
            if (!principalRead) {
                SslHandler tls = channel.pipeline().get(SslHandler.class);
                // frames arrive only after the handshake, so the peer's certificate is known by the first one
                principal = tls == null ? null : TlsContexts.commonName(tls.engine().getSession());
                principalRead = true;
            }
            return principal;
        }
    }
}
