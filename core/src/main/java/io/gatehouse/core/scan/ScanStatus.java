package io.gatehouse.core.scan;

/** Where an artifact's scan stands. */
public enum ScanStatus {
    /** Never scanned, or waiting in the queue with no earlier report. */
    PENDING,
    /** Scanned; findings reflect the advisory database at {@code scannedAt} or a later re-match. */
    COMPLETE,
    /** The scan could not finish (unreadable layer, limits exceeded); the report says why. */
    FAILED,
    /** Nothing to scan in it (e.g. a signature or a Helm chart). */
    UNSUPPORTED
}
