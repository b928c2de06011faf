package io.gatehouse.core.access.policy;

import java.util.List;
import java.util.Objects;

/**
 * A project's access settings. Public projects may be pulled by anyone.
 *
 * @param allowedCidrs source networks (IPv4 or IPv6 CIDR) that may reach the project; empty allows any
 * @param expectedCidrs source networks pulls are expected from; a pull from elsewhere is served but raises an
 *     anomaly alert. Empty: not watched
 */
public record ProjectSettings(String name, boolean isPublic, List<String> allowedCidrs, List<String> expectedCidrs) {
    public ProjectSettings {
        Objects.requireNonNull(name, "name");
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
        expectedCidrs = expectedCidrs == null ? List.of() : List.copyOf(expectedCidrs);
    }

    /** A project without expected networks. */
    public ProjectSettings(String name, boolean isPublic, List<String> allowedCidrs) {
        this(name, isPublic, allowedCidrs, List.of());
    }
}
