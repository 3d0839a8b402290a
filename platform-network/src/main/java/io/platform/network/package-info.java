/**
 * The transport API the services use to move length-prefixed frames: {@link io.platform.network.FrameHandler} and
 * {@link io.platform.network.FrameConnection}. Implementations live in sub-packages; services depend only on this one,
 * and it depends on nothing but Netty's {@code ByteBuf}.
 */
package io.platform.network;
