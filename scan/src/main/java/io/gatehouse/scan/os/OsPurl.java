package io.gatehouse.scan.os;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Map;
import java.util.TreeMap;

/**
 * The purl an OS extractor gives a package before the distribution is known: no namespace, no {@code distro}
 * (the walker adds both from {@code os-release}, see {@link Distro#complete}).
 */
final class OsPurl {
    private OsPurl() {}

    /** Empty qualifier values are left out; empty when the parts cannot form a purl. */
    static String of(String type, String name, String version, Map<String, String> qualifiers) {
        var kept = new TreeMap<String, String>();
        qualifiers.forEach((key, value) -> {
            if (value != null && !value.isEmpty()) kept.put(key, value);
        });
        try {
            return new PackageURL(type, null, name, version, kept, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            return "";
        }
    }
}
