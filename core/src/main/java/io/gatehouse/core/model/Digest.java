package io.gatehouse.core.model;

import io.gatehouse.core.error.Invalid;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:<64 hex>}. Only the algorithms the OCI image spec registers are accepted. */
public record Digest(Algorithm algorithm, String hex) {

    public enum Algorithm {
        SHA256("sha256", "SHA-256", 64),
        SHA512("sha512", "SHA-512", 128);

        private final String label;
        private final String jcaName;
        private final int hexLength;

        Algorithm(String label, String jcaName, int hexLength) {
            this.label = label;
            this.jcaName = jcaName;
            this.hexLength = hexLength;
        }

        public String label() {
            return label;
        }

        public MessageDigest newHasher() {
            try {
                return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("JDK lacks " + jcaName, e);
            }
        }

        static Algorithm fromLabel(String label) {
            for (Algorithm a : values()) {
                if (a.label.equals(label)) {
                    return a;
                }
            }
            return null;
        }
    }

    private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        if (algorithm == null
                || hex == null
                || hex.length() != algorithm.hexLength
                || !LOWER_HEX.matcher(hex).matches()) {
            throw new Invalid(
                    Invalid.Kind.DIGEST, "invalid " + (algorithm == null ? "" : algorithm.label + " ") + "digest");
        }
    }

    /** Parses {@code algorithm:hex}; an unknown algorithm or malformed hex is a DIGEST_INVALID error. */
    public static Digest parse(String value) {
        if (value == null) {
            throw new Invalid(Invalid.Kind.DIGEST, "missing digest");
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new Invalid(Invalid.Kind.DIGEST, "digest must be algorithm:hex");
        }
        Algorithm algorithm = Algorithm.fromLabel(value.substring(0, colon));
        if (algorithm == null) {
            throw new Invalid(Invalid.Kind.DIGEST, "unsupported digest algorithm");
        }
        return new Digest(algorithm, value.substring(colon + 1));
    }

    public static boolean isDigest(String value) {
        return value != null && value.indexOf(':') > 0;
    }

    public static Digest of(Algorithm algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    public static Digest sha256(byte[] content) {
        return of(Algorithm.SHA256, Algorithm.SHA256.newHasher().digest(content));
    }

    public static Digest compute(Algorithm algorithm, byte[] content) {
        return of(algorithm, algorithm.newHasher().digest(content));
    }

    @Override
    public String toString() {
        return algorithm.label + ":" + hex;
    }
}
