package io.gatehouse.scan.extract.lang;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;

/** Builds canonical package URLs; a name the purl spec refuses gets an empty purl rather than an exception. */
final class Purls {
    private Purls() {}

    static String of(String type, String namespace, String name, String version) {
        try {
            return PackageURLBuilder.aPackageURL()
                    .withType(type)
                    .withNamespace(namespace == null || namespace.isEmpty() ? null : namespace)
                    .withName(name)
                    .withVersion(version)
                    .build()
                    .canonicalize();
        } catch (MalformedPackageURLException | RuntimeException e) {
            return "";
        }
    }
}
