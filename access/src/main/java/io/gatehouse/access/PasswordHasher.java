package io.gatehouse.access;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes passwords with Argon2id and stores them as PHC strings
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, base64 without padding), the format the
 * reference implementation, libsodium and argon2-cffi write. Verification reads the cost from the string,
 * so hashes made with an older cost keep working; {@link #needsRehash} tells when to upgrade one.
 */
public final class PasswordHasher {

    /** Argon2id cost. Memory is in KiB. */
    public record Cost(int memoryKib, int iterations, int parallelism) {
        /** OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane. */
        public static final Cost OWASP = new Cost(19_456, 2, 1);

        public Cost {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("parallelism must be in 1.." + MAX_PARALLELISM);
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("iterations must be in 1.." + MAX_ITERATIONS);
            }
            if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("memory must be in 8*parallelism.." + MAX_MEMORY_KIB + " KiB");
            }
        }
    }

    // Bounds for hashes read back from the store: a corrupted or hostile row must not make us allocate gigabytes.
    static final int MAX_MEMORY_KIB = 1 << 20;
    static final int MAX_ITERATIONS = 64;
    static final int MAX_PARALLELISM = 16;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MIN_SALT_BYTES = 8;
    private static final int MAX_SALT_BYTES = 64;
    private static final int MIN_HASH_BYTES = 16;
    private static final int MAX_HASH_BYTES = 64;
    private static final int MAX_PHC_LENGTH = 256;

    private static final Pattern PHC =
            Pattern.compile("\\$argon2id\\$v=19\\$m=([1-9][0-9]{0,9}),t=([1-9][0-9]{0,9}),p=([1-9][0-9]{0,9})"
                    + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private final Cost cost;
    private final SecureRandom random = new SecureRandom();

    /** Hashes with {@link Cost#OWASP}. */
    public PasswordHasher() {
        this(Cost.OWASP);
    }

    public PasswordHasher(Cost cost) {
        this.cost = Objects.requireNonNull(cost, "cost");
    }

    public Cost cost() {
        return cost;
    }

    /** A PHC string for the password with a fresh random salt. The caller may wipe {@code password} afterwards. */
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = argon2id(password, salt, cost, HASH_BYTES);
        return "$argon2id$v=19$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=" + cost.parallelism() + "$"
                + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    /**
     * Whether the password matches the PHC string. The comparison is constant-time; a malformed, unsupported
     * or out-of-bounds string answers false, never throws.
     */
    public boolean verify(char[] password, String phc) {
        if (password == null) {
            return false;
        }
        Parsed parsed = parse(phc);
        if (parsed == null) {
            return false;
        }
        byte[] actual = argon2id(password, parsed.salt(), parsed.cost(), parsed.hash().length);
        try {
            return MessageDigest.isEqual(actual, parsed.hash());
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
    }

    /** True if the string is malformed or was made with a different cost than this hasher's. */
    public boolean needsRehash(String phc) {
        Parsed parsed = parse(phc);
        return parsed == null || !parsed.cost().equals(cost) || parsed.hash().length != HASH_BYTES;
    }

    private record Parsed(Cost cost, byte[] salt, byte[] hash) {}

    /** The parts of a well-formed argon2id v=19 PHC string within our bounds, or null. */
    private static Parsed parse(String phc) {
        if (phc == null || phc.length() > MAX_PHC_LENGTH) {
            return null;
        }
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return null;
        }
        long memory = Long.parseLong(m.group(1));
        long iterations = Long.parseLong(m.group(2));
        long parallelism = Long.parseLong(m.group(3));
        if (parallelism > MAX_PARALLELISM
                || iterations > MAX_ITERATIONS
                || memory > MAX_MEMORY_KIB
                || memory < 8 * parallelism) {
            return null;
        }
        byte[] salt = decode(m.group(4));
        byte[] hash = decode(m.group(5));
        if (salt == null
                || hash == null
                || salt.length < MIN_SALT_BYTES
                || salt.length > MAX_SALT_BYTES
                || hash.length < MIN_HASH_BYTES
                || hash.length > MAX_HASH_BYTES) {
            return null;
        }
        return new Parsed(new Cost((int) memory, (int) iterations, (int) parallelism), salt, hash);
    }

    private static byte[] decode(String unpadded) {
        if (unpadded.length() % 4 == 1) {
            return null;
        }
        try {
            return DECODER.decode(unpadded);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] argon2id(char[] password, byte[] salt, Cost cost, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(cost.memoryKib())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] passwordBytes = utf8(password);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(passwordBytes, out);
            return out;
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }
}
