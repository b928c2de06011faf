package io.gatehouse.scan.advisory;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A package as advisories name it: the OSV ecosystem exactly (an advisory for {@code Debian:12} is not one for
 * {@code Debian:11}) and the name normalised the way the ecosystem compares names (PyPI per PEP 503; others,
 * Maven's {@code group:artifact} and npm included, exactly). Ubuntu's {@code :LTS} suffix is dropped
 * ({@code Ubuntu:22.04:LTS} is {@code Ubuntu:22.04}, as osv.dev reads it), since os-release cannot tell it.
 */
public record PackageKey(String ecosystem, String name) {
    private static final Pattern PEP503_SEPARATORS = Pattern.compile("[-_.]+");

    public PackageKey {
        Objects.requireNonNull(ecosystem, "ecosystem");
        Objects.requireNonNull(name, "name");
    }

    public static PackageKey of(String ecosystem, String name) {
        return new PackageKey(normaliseEcosystem(ecosystem), normaliseName(ecosystem, name));
    }

    static String normaliseEcosystem(String ecosystem) {
        return ecosystem.startsWith("Ubuntu:") && ecosystem.endsWith(":LTS")
                ? ecosystem.substring(0, ecosystem.length() - ":LTS".length())
                : ecosystem;
    }

    static String normaliseName(String ecosystem, String name) {
        if (ecosystem.equals("PyPI") && !isPep503Normal(name)) {
            return PEP503_SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
        }
        return name;
    }

    /** Already lower case with single '-' separators: the common case, checked without a regex (hot path). */
    private static boolean isPep503Normal(String name) {
        char previous = 'a';
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '.' || (c >= 'A' && c <= 'Z') || (c == '-' && previous == '-') || c > 127) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    @Override
    public String toString() {
        return ecosystem + "/" + name;
    }
}
