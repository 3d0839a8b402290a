package io.platform.network.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.platform.network.FrameHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The sockets the platform opens carry the settings of their traffic kind, as the kernel reports them back. */
class TcpProfileTest {
    private static final FrameHandler IGNORE = (connection, frame) -> { };

    private static long sysctl(String name) throws Exception {
        return Long.parseLong(Files.readString(Path.of("/proc/sys/net/core/" + name)).trim());
    }

    @Test
    void bulkSocketsGetLargeBuffersALowNotSentMarkAndTheirDscp() throws Exception {
        try (FramedTcpServer server = FramedTcpServer.bind("127.0.0.1", 0, 1, 1024, IGNORE, null, TcpProfile.BULK);
             FramedTcpClient client = FramedTcpClient.connect("127.0.0.1", server.port(), 1024, IGNORE, null, TcpProfile.BULK)) {
            // Linux doubles a requested buffer for its bookkeeping and caps the request at the sysctl limit
            long expectedReceive = Math.min(TcpProfile.BULK.bufferBytes(), sysctl("rmem_max"));
            long expectedSend = Math.min(TcpProfile.BULK.bufferBytes(), sysctl("wmem_max"));
            assertTrue(client.socketOption(ChannelOption.SO_RCVBUF) >= expectedReceive, "receive buffer " + client.socketOption(ChannelOption.SO_RCVBUF));
            assertTrue(client.socketOption(ChannelOption.SO_SNDBUF) >= expectedSend, "send buffer " + client.socketOption(ChannelOption.SO_SNDBUF));
            assertEquals(0x28, client.socketOption(ChannelOption.IP_TOS));
            assertEquals(true, client.socketOption(ChannelOption.TCP_NODELAY));
            if (FramedTcpServer.usesEpoll()) {
                assertEquals(128L << 10, client.socketOption(EpollChannelOption.TCP_NOTSENT_LOWAT));
                assertEquals(TcpProfile.USER_TIMEOUT_MS, client.socketOption(EpollChannelOption.TCP_USER_TIMEOUT));
            }
        }
    }

    @Test
    void lowLatencySocketsKeepDefaultBuffersAndOnlyTurnNagleOff() throws Exception {
        try (FramedTcpServer server = FramedTcpServer.bind("127.0.0.1", 0, 1, 1024, IGNORE);
             FramedTcpClient client = FramedTcpClient.connect("127.0.0.1", server.port(), 1024, IGNORE)) {
            assertEquals(true, client.socketOption(ChannelOption.TCP_NODELAY));
            assertTrue(client.socketOption(ChannelOption.SO_RCVBUF) < TcpProfile.BULK.bufferBytes(), "default buffers");
            assertEquals(0, client.socketOption(ChannelOption.IP_TOS));
        }
    }
}
