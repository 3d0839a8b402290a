/**
 * The transport API the services use to move length-prefixed frames: {@link io.platform.network.FrameHandler} and
 * {@link io.platform.network.FrameConnection}. Implementations live in sub-packages; services depend only on this one.
 */
package io.platform.network;
