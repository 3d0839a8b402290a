package io.platform.network.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.platform.network.FrameClient;
import io.platform.network.FrameConnection;
import io.platform.network.FrameHandler;
import java.util.concurrent.TimeUnit;

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
        EventLoopGroup group = NettyTransport.group(1);
        try {
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(NettyTransport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            FramePipeline.install(ch.pipeline(), maxFrameLength, handler);
                        }
                    })
                    .connect(host, port).sync().channel();
            return new FramedTcpClient(group, channel);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
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
