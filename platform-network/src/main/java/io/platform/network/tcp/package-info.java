/**
 * Netty TCP transport with length-prefixed framing; epoll where the host has it, NIO otherwise. Must not depend on the
 * Aeron transport or a service module.
 */
package io.platform.network.tcp;
