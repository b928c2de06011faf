package io.gatehouse.core.access.policy;

import io.gatehouse.core.error.Invalid;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a federated robot accepts instead of a secret: an OIDC token signed by {@code issuer}'s published keys,
 * with {@code iss} exactly {@code issuer}, {@code audience} among its {@code aud}, and every claim in {@code
 * claims} matching (an exact value, or a glob where {@code *} stands for any run of characters).
 *
 * <p>At least one claim condition is required: CI issuers sign tokens for every repository they host and let
 * each pipeline choose its own audience, so issuer and audience alone would admit strangers.
 */
public record RobotFederation(String issuer, String audience, Map<String, String> claims) {
    public static final int MAX_CLAIMS = 16;
    private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
    private static final Set<String> CHECKED_ANYWAY = Set.of("iss", "aud", "exp", "nbf", "iat");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    public RobotFederation {
        issuer = requireIssuer(issuer);
        if (audience == null || audience.isBlank() || audience.length() > 255) {
            throw invalid("an audience of 1-255 characters is required");
        }
        if (claims == null || claims.isEmpty()) {
            throw invalid("at least one claim condition is required (e.g. repository=org/app)");
        }
        if (claims.size() > MAX_CLAIMS) {
            throw invalid("at most " + MAX_CLAIMS + " claim conditions");
        }
        for (var c : claims.entrySet()) {
            if (c.getKey() == null || !CLAIM_NAME.matcher(c.getKey()).matches()) {
                throw invalid("claim names are 1-128 characters of A-Z, a-z, 0-9, '_', '.', ':', '/', '-'");
            }
            if (CHECKED_ANYWAY.contains(c.getKey())) {
                throw invalid("the claim " + c.getKey() + " is checked anyway and cannot be a condition");
            }
            String value = c.getValue();
            if (value == null
                    || value.isEmpty()
                    || value.length() > 512
                    || value.chars().allMatch(ch -> ch == '*')) {
                throw invalid("the condition on " + c.getKey() + " needs a value of 1-512 characters, not only '*'");
            }
        }
        claims = Collections.unmodifiableMap(new TreeMap<>(claims));
    }

    /** True if {@code value} equals {@code pattern}, reading each {@code *} in the pattern as any run of characters. */
    public static boolean matches(String pattern, String value) {
        int p = 0;
        int v = 0;
        int star = -1;
        int resume = 0;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = v;
            } else if (star >= 0) {
                p = star + 1;
                v = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** True for an https URL, or a plain http one on a loopback host (local development and tests). */
    public static boolean isSecure(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme.equals("https") && !host.isEmpty() || scheme.equals("http") && LOOPBACK.contains(host);
    }

    /** An https URL (plain http only on a loopback host, for local development and tests), kept exactly as given. */
    private static String requireIssuer(String issuer) {
        if (issuer == null || issuer.isBlank() || issuer.length() > 2048) {
            throw invalid("an issuer URL is required");
        }
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw invalid("the issuer is not a valid URL");
        }
        if (uri.getHost() == null
                || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw invalid("the issuer must be an absolute URL with a host and no user, query or fragment");
        }
        if (!isSecure(uri)) {
            throw invalid("the issuer must be an https URL (plain http only on a loopback host)");
        }
        return issuer;
    }

    private static Invalid invalid(String message) {
        return new Invalid(Invalid.Kind.PARAMETER, message);
    }
}
