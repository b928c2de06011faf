package io.gatehouse.core.access.policy;

import java.util.List;
import java.util.Objects;

/**
 * A project's access settings. Public projects may be pulled by anyone.
 *
 * @param allowedCidrs source networks (IPv4 or IPv6 CIDR) that may reach the project; empty allows any
 */
public record ProjectSettings(String name, boolean isPublic, List<String> allowedCidrs) {
    public ProjectSettings {
        Objects.requireNonNull(name, "name");
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
    }
}
