package io.platform.network.aeron;

import io.aeron.ReservedValueSupplier;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one control frame of the Aeron transport: HELLO, sent by a client until the server's reply stream connects.
 * <pre>type:u8 = 0x7f | responseStreamId:i32 | responseChannel:UTF-8 (the rest)</pre>
 * A HELLO is told apart by its Aeron frame header, whose reserved value is {@link #HELLO_MARK} (application frames
 * carry 0): so an application frame may start with any byte, 0x7f included. Every other message is an application
 * frame, passed to the handler whole (Aeron keeps message boundaries).
 */
public final class AeronFrameLayout {
    static final byte HELLO = 0x7f;
    /** The reserved value of a HELLO's data frame header: "PLATHELO" in ASCII. */
    static final long HELLO_MARK = 0x504c415448454c4fL;
    /** Offer a {@link #hello} with this, so its frame header carries {@link #HELLO_MARK}. */
    public static final ReservedValueSupplier MARK_HELLO = (termBuffer, termOffset, frameLength) -> HELLO_MARK;
    static final int STREAM_ID_OFFSET = 1;
    static final int CHANNEL_OFFSET = 5;

    private AeronFrameLayout() {
    }

    /** A HELLO asking for replies on {@code responseStream} of {@code responseChannel} (a resolved channel, no port 0). */
    public static UnsafeBuffer hello(int responseStream, String responseChannel) {
        byte[] channel = responseChannel.getBytes(StandardCharsets.UTF_8);
        UnsafeBuffer hello = new UnsafeBuffer(new byte[CHANNEL_OFFSET + channel.length]);
        hello.putByte(0, HELLO);
        hello.putInt(STREAM_ID_OFFSET, responseStream, ByteOrder.BIG_ENDIAN);
        hello.putBytes(CHANNEL_OFFSET, channel);
        return hello;
    }
}
