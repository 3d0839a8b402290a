package io.platform.network.aeron;

/**
 * The one control frame of the Aeron transport: HELLO, sent by a client until the server's reply stream connects.
 * <pre>type:u8 = 0x7f | responseStreamId:i32 | responseChannel:UTF-8 (the rest)</pre>
 * A HELLO is told apart by its Aeron frame header, whose reserved value is {@link #HELLO_MARK} (application frames
 * carry 0): so an application frame may start with any byte, 0x7f included. Every other message is an application
 * frame, passed to the handler whole (Aeron keeps message boundaries).
 */
final class AeronFrameLayout {
    static final byte HELLO = 0x7f;
    /** The reserved value of a HELLO's data frame header: "PLATHELO" in ASCII. */
    static final long HELLO_MARK = 0x504c415448454c4fL;
    static final io.aeron.ReservedValueSupplier MARK_HELLO = (termBuffer, termOffset, frameLength) -> HELLO_MARK;
    static final int STREAM_ID_OFFSET = 1;
    static final int CHANNEL_OFFSET = 5;

    private AeronFrameLayout() {
    }
}
