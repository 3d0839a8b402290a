/**
 * Aeron transport behind the frame API: an embedded media driver, IPC for same-host hops and UDP unicast between hosts.
 * A client opens with a HELLO frame naming its response channel; the server answers each session there. Back-pressure
 * is Aeron's own: a paused session is not polled, so its publisher's offers report BACK_PRESSURED. Must not depend on
 * the TCP transport or a service module.
 */
package io.platform.network.aeron;
