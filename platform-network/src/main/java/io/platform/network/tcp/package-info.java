/** Netty TCP transport with length-prefixed framing; epoll where the host has it, NIO otherwise. */
package io.platform.network.tcp;
