package io.gatehouse.scan.sbom;

/**
 * The distribution from {@code /etc/os-release} (or {@code /usr/lib/os-release}).
 *
 * @param id {@code ID}, e.g. {@code debian}, {@code ubuntu}, {@code alpine}, {@code rhel}, {@code rocky}
 * @param versionId {@code VERSION_ID}, e.g. {@code 12}, {@code 3.19.1}, {@code 22.04}
 */
public record OsRelease(String id, String versionId, String prettyName) {}
