package io.platform.network.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.platform.network.FrameHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A TCP server that delivers length-prefixed frames to one {@link FrameHandler}. Thread-safe. */
public final class FramedTcpServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    private FramedTcpServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    /** Binds {@code host:port} (0 for an ephemeral port) and starts accepting. */
    public static FramedTcpServer bind(String host, int port, int ioThreads, int maxFrameLength, FrameHandler handler)
            throws InterruptedException {
        return bind(host, port, ioThreads, maxFrameLength, handler, null);
    }

    /** As above, serving TLS (see {@link TlsContexts#server}) when {@code tls} is given. */
    public static FramedTcpServer bind(String host, int port, int ioThreads, int maxFrameLength, FrameHandler handler,
                                       SslContext tls) throws InterruptedException {
        return bind(host, port, ioThreads, maxFrameLength, handler, tls, TcpProfile.LOW_LATENCY);
    }

    /** As above, the accepted sockets set up by {@code profile}. */
    public static FramedTcpServer bind(String host, int port, int ioThreads, int maxFrameLength, FrameHandler handler,
                                       SslContext tls, TcpProfile profile) throws InterruptedException {
        EventLoopGroup boss = NettyTransport.group(1);
        EventLoopGroup workers = NettyTransport.group(ioThreads);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NettyTransport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024);
            if (profile.bufferBytes() > 0) {
                // on the listening socket, so accepted sockets can negotiate a window scale for the large buffer
                bootstrap.option(ChannelOption.SO_RCVBUF, profile.bufferBytes());
            }
            profile.applyToChildren(bootstrap);
            Channel channel = bootstrap
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            FramePipeline.install(ch.pipeline(), maxFrameLength, handler, tls == null ? null : tls.newHandler(ch.alloc()));
                        }
                    })
                    .bind(host, port).sync().channel();
            return new FramedTcpServer(boss, workers, channel);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** True when the native epoll transport is in use. */
    public static boolean usesEpoll() {
        return NettyTransport.EPOLL;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
