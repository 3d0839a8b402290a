package io.platform.network.clock;

/**
 * Byte layout of the time exchange datagrams (big-endian).
 * <pre>
 * request: type:u8 = 1 | sequence:i64 | t1:i64 (client send time)
 * reply:   type:u8 = 2 | sequence:i64 | t1:i64 | t2:i64 (server receive time) | t3:i64 (server send time)
 * </pre>
 */
final class TimeExchangeLayout {
    static final byte REQUEST = 1;
    static final byte REPLY = 2;
    static final int REQUEST_LENGTH = 1 + 8 + 8;
    static final int REPLY_LENGTH = 1 + 8 + 8 + 8 + 8;

    private TimeExchangeLayout() {
    }
}
