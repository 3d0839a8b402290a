package io.platform.network.path;

/**
 * Datagrams between a {@link MultipathLink} and a {@link PathResponder}, big-endian:
 * <pre>
 * HEARTBEAT      type=1 | path:int | seq:long | sentNs:long
 * HEARTBEAT_ACK  type=2 | path:int | seq:long | sentNs:long | peerReceivedNs:long | peerSentNs:long
 * DATA           type=3 | path:int | msgSeq:long | length:int | payload
 * DATA_ACK       type=4 | path:int | msgSeq:long
 * </pre>
 * Times are epoch nanoseconds of each side's clock: with synchronized clocks the two one-way delays of a heartbeat are
 * peerReceived - sent (forward) and received - peerSent (reverse).
 */
final class PathLayout {
    static final byte HEARTBEAT = 1;
    static final byte HEARTBEAT_ACK = 2;
    static final byte DATA = 3;
    static final byte DATA_ACK = 4;
    static final int HEARTBEAT_LENGTH = 1 + 4 + 8 + 8;
    static final int HEARTBEAT_ACK_LENGTH = HEARTBEAT_LENGTH + 8 + 8;
    static final int DATA_HEADER_LENGTH = 1 + 4 + 8 + 4;
    static final int DATA_ACK_LENGTH = 1 + 4 + 8;
    static final int MAX_DATAGRAM = 1400;

    private PathLayout() {
    }
}
