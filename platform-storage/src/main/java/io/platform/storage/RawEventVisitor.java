package io.platform.storage;

/** Receives raw events of a scan in key order (series, then event time). */
@FunctionalInterface
public interface RawEventVisitor {
    /**
     * @param wireValue the stored wire-format value; valid only during the call
     * @return false to stop the scan
     */
    boolean visit(String series, long eventTimeMs, byte[] wireValue);
}
