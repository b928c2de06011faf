package io.gatehouse.scan.match;

/** Whether one version falls in an advisory's affected entry; UNKNOWN when the version could not be ordered. */
public enum AffectedCheck {
    AFFECTED,
    NOT_AFFECTED,
    UNKNOWN
}
