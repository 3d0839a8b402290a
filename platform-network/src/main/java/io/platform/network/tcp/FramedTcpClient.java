package io.platform.network.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.platform.network.FrameClient;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/** A TCP client connection exchanging length-prefixed frames; replies go to one {@link FrameHandler}. Thread-safe. */
public final class FramedTcpClient implements FrameClient {
    private final EventLoopGroup group;
    private final Channel channel;
    private final FrameConnection connection;

    private FramedTcpClient(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
        this.connection = new FramePipeline.ChannelConnection(channel);
    }

    public static FramedTcpClient connect(String host, int port, int maxFrameLength, FrameHandler handler) throws InterruptedException {
        return connect(host, port, maxFrameLength, handler, null);
    }

    /**
     * As above over TLS when {@code tls} is given (see {@link TlsContexts#client}); returns once the handshake is done,
     * so a refused certificate fails here.
     *
     * @throws javax.net.ssl.SSLException wrapped in an IllegalStateException when the handshake fails
     */
    public static FramedTcpClient connect(String host, int port, int maxFrameLength, FrameHandler handler,
                                          SslContext tls) throws InterruptedException {
        return connect(host, port, maxFrameLength, handler, tls, TcpProfile.LOW_LATENCY);
    }

    /** As above with the socket settings of {@code profile} (e.g. {@link TcpProfile#BULK} for cross-site transfer). */
    public static FramedTcpClient connect(String host, int port, int maxFrameLength, FrameHandler handler,
                                          SslContext tls, TcpProfile profile) throws InterruptedException {
        EventLoopGroup group = NettyTransport.group(1);
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(NettyTransport.clientChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
            profile.applyTo(bootstrap);
            Channel channel = bootstrap
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // host and port name the session to resume on the next connection to the same server
                            FramePipeline.install(ch.pipeline(), maxFrameLength, handler, tls == null ? null
                                    : tls.newHandler(ch.alloc(), host, port));
                        }
                    })
                    .connect(host, port).sync().channel();
            if (tls != null) {
                Future<Channel> handshake = channel.pipeline().get(SslHandler.class).handshakeFuture().await();
                if (!handshake.isSuccess()) {
                    channel.close();
                    throw new IllegalStateException("TLS handshake with " + host + ":" + port + " failed: "
                            + handshake.cause(), handshake.cause());
                }
            }
            return new FramedTcpClient(group, channel);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    /** The value of a socket option as the kernel reports it (e.g. buffers are doubled and capped by sysctl limits). */
    public <T> T socketOption(ChannelOption<T> option) {
        return channel.config().getOption(option);
    }

    /** The TLS session of this connection, or null without TLS. */
    public SSLSession tlsSession() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        return tls == null ? null : tls.engine().getSession();
    }

    @Override
    public FrameConnection connection() {
        return connection;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
