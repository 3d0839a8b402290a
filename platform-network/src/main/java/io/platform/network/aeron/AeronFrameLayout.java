package io.platform.network.aeron;

/**
 * The one control frame of the Aeron transport: HELLO, sent by a client until the server's reply stream connects.
 * <pre>type:u8 = 0x7f | responseStreamId:i32 | responseChannel:UTF-8 (the rest)</pre>
 * Every other message is an application frame, passed to the handler whole (Aeron keeps message boundaries).
 */
final class AeronFrameLayout {
    static final byte HELLO = 0x7f;
    static final int STREAM_ID_OFFSET = 1;
    static final int CHANNEL_OFFSET = 5;

    private AeronFrameLayout() {
    }
}
