package io.gatehouse.scan.version;

/** A version string that an ecosystem's scheme cannot order; matching reports the package as UNKNOWN. */
public final class UnparsableVersionException extends IllegalArgumentException {
    private final String version;

    public UnparsableVersionException(String scheme, String version, String why) {
        super(scheme + " version '" + version + "' cannot be parsed: " + why);
        this.version = version;
    }

    public String version() {
        return version;
    }
}
