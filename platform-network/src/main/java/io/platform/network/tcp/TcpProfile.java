package io.platform.network.tcp;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;

/**
 * Socket settings by kind of traffic, applied to every TCP socket the platform opens (see docs/operations.md,
 * "TCP settings"). Congestion control (BBR for cross-site transfer) is per host, checked by {@code platform doctor};
 * Java cannot choose it per socket.
 */
public enum TcpProfile {
    /**
     * Ingest and request/response: no Nagle, default buffers (large ones only add queueing delay), nothing else. The
     * bulk profile's extra options (DSCP, keepalive timers, user timeout) on these sockets measurably raised the
     * end-to-end p99 of {@code platform bench e2e} (produce_ack p99 8.4 against 5.9 ms in repeated runs), so the
     * latency path keeps the settings it was measured with.
     */
    LOW_LATENCY(0, 0, 0),
    /**
     * Cross-site bulk transfer (replication, backfills): 8 MiB socket buffers so one connection can fill a long fat
     * pipe (100 ms x 640 Mbit/s; the kernel caps them at net.core.rmem_max/wmem_max, which doctor checks),
     * TCP_NOTSENT_LOWAT 128 KiB so unsent data waits in the application rather than the kernel's queue (keeps BBR's
     * queues and head-of-line waits short), DSCP AF11 ("high-throughput data", RFC 4594).
     */
    BULK(8 << 20, 128 << 10, 0x28);

    /** A dead peer on an idle or stalled connection is noticed within this: keepalive probes plus a user timeout. */
    static final int USER_TIMEOUT_MS = 30_000;

    private final int bufferBytes;
    private final long notSentLowWaterBytes;
    private final int ipTos;

    TcpProfile(int bufferBytes, long notSentLowWaterBytes, int ipTos) {
        this.bufferBytes = bufferBytes;
        this.notSentLowWaterBytes = notSentLowWaterBytes;
        this.ipTos = ipTos;
    }

    public int bufferBytes() {
        return bufferBytes;
    }

    public int ipTos() {
        return ipTos;
    }

    /** Sets the profile's options on a client bootstrap. */
    void applyTo(AbstractBootstrap<?, ?> bootstrap) {
        forEachOption(new Setter() {
            @Override
            public <T> void set(ChannelOption<T> option, T value) {
                bootstrap.option(option, value);
            }
        });
    }

    /** Sets the profile's options on the sockets a server accepts. */
    void applyToChildren(ServerBootstrap bootstrap) {
        forEachOption(new Setter() {
            @Override
            public <T> void set(ChannelOption<T> option, T value) {
                bootstrap.childOption(option, value);
            }
        });
    }

    private interface Setter {
        <T> void set(ChannelOption<T> option, T value);
    }

    private void forEachOption(Setter setter) {
        setter.set(ChannelOption.TCP_NODELAY, true);
        // Netty 4.2's default (adaptive) allocator allocated ~27 bytes of garbage per frame on each side's event loop
        // here; the pooled allocator recycles its buffer objects (ZeroAllocationTest)
        setter.set(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        if (this == LOW_LATENCY) {
            return;
        }
        setter.set(ChannelOption.SO_KEEPALIVE, true);
        setter.set(ChannelOption.IP_TOS, ipTos);
        if (bufferBytes > 0) {
            setter.set(ChannelOption.SO_SNDBUF, bufferBytes);
            setter.set(ChannelOption.SO_RCVBUF, bufferBytes);
        }
        if (NettyTransport.EPOLL) {
            setter.set(EpollChannelOption.TCP_USER_TIMEOUT, USER_TIMEOUT_MS);
            setter.set(EpollChannelOption.TCP_KEEPIDLE, 10);
            setter.set(EpollChannelOption.TCP_KEEPINTVL, 5);
            setter.set(EpollChannelOption.TCP_KEEPCNT, 4);
            if (notSentLowWaterBytes > 0) {
                setter.set(EpollChannelOption.TCP_NOTSENT_LOWAT, notSentLowWaterBytes);
            }
        }
    }
}
