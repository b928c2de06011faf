package io.gatehouse.scan.sbom;

import java.util.Objects;

/**
 * A package found in an image.
 *
 * @param type the purl type: {@code deb}, {@code apk}, {@code rpm}, {@code maven}, {@code npm}, {@code pypi},
 *     {@code golang}
 * @param name the installed name (binary package for dpkg; {@code group:artifact} for Maven; module path for Go)
 * @param version the installed version exactly as recorded (dpkg/rpm with epoch, e.g. {@code 1:2.3-4})
 * @param sourceName the name advisories use where it differs from {@code name} (the dpkg source package, the rpm
 *     source name); else equal to {@code name}
 * @param sourceVersion the version advisories use with {@code sourceName}; else equal to {@code version}
 * @param ecosystem the OSV ecosystem, e.g. {@code Debian:12}, {@code Alpine:v3.19}, {@code Maven}, {@code npm},
 *     {@code PyPI}, {@code Go}; empty while an OS package waits for {@code /etc/os-release} to decide it
 * @param purl the package URL, e.g. {@code pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12}
 * @param layer the digest of the layer the package's record was read from ({@code sha256:...})
 * @param path the absolute path inside the image of the file it was found in, e.g. {@code /var/lib/dpkg/status},
 *     {@code /app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar}
 */
public record DetectedPackage(
        String type,
        String name,
        String version,
        String sourceName,
        String sourceVersion,
        String ecosystem,
        String purl,
        String layer,
        String path) {
    public DetectedPackage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        sourceName = sourceName == null || sourceName.isEmpty() ? name : sourceName;
        sourceVersion = sourceVersion == null || sourceVersion.isEmpty() ? version : sourceVersion;
        ecosystem = ecosystem == null ? "" : ecosystem;
        purl = purl == null ? "" : purl;
        layer = layer == null ? "" : layer;
        path = path == null ? "" : path;
    }
}
