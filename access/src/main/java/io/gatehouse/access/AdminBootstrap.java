package io.gatehouse.access;

import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UserRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * Creates the {@value AdminOnlyAuthorizer#ADMIN} user on first start. The password is the one supplied
 * (from {@value #PASSWORD_ENV}) or, failing that, a random one that is returned once for the caller to
 * print and written to {@code DATA_DIR/}{@value #PASSWORD_FILE}, created owner-only (0600) from the start.
 * An existing admin is never touched.
 */
public final class AdminBootstrap {
    public static final String PASSWORD_ENV = "GATEHOUSE_ADMIN_PASSWORD";
    public static final String PASSWORD_FILE = "initial-admin-password";
    public static final int GENERATED_LENGTH = 24;
    public static final int MIN_SUPPLIED_LENGTH = 12;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** What {@link #ensureAdmin} did. */
    public sealed interface Result {
        /** An admin was already there; nothing was changed. */
        record AlreadyExists() implements Result {}

        /** The admin was created with the supplied password; nothing was written to disk. */
        record CreatedWithSuppliedPassword() implements Result {}

        /** The admin was created with a generated password, also written to {@code passwordFile}. */
        record CreatedWithGeneratedPassword(String password, Path passwordFile) implements Result {
            @Override
            public String toString() {
                return "CreatedWithGeneratedPassword[passwordFile=" + passwordFile + "]";
            }
        }
    }

    private final MetadataStore.Users users;
    private final PasswordHasher hasher;
    private final Path dataDir;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AdminBootstrap(MetadataStore.Users users, PasswordHasher hasher, Path dataDir, Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates the admin unless it exists.
     *
     * @param suppliedPassword the value of {@value #PASSWORD_ENV}, or null if it is not set
     * @throws IllegalArgumentException if the supplied password is shorter than {@value #MIN_SUPPLIED_LENGTH}
     * @throws IllegalStateException if a password must be generated but the data directory cannot hold an
     *     owner-only file
     * @throws UncheckedIOException if the password file cannot be written
     */
    public Result ensureAdmin(String suppliedPassword) {
        if (users.find(AdminOnlyAuthorizer.ADMIN).isPresent()) {
            return new Result.AlreadyExists();
        }
        if (suppliedPassword != null && !suppliedPassword.isEmpty()) {
            if (suppliedPassword.length() < MIN_SUPPLIED_LENGTH) {
                throw new IllegalArgumentException(
                        PASSWORD_ENV + " must be at least " + MIN_SUPPLIED_LENGTH + " characters long");
            }
            return create(suppliedPassword.toCharArray())
                    ? new Result.CreatedWithSuppliedPassword()
                    : new Result.AlreadyExists();
        }
        return createWithGeneratedPassword();
    }

    private Result createWithGeneratedPassword() {
        String password = generatePassword();
        Path target = dataDir.resolve(PASSWORD_FILE);
        Path pending;
        try {
            pending = writeOwnerOnly(password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        // The file is written before the user exists, so a crash in between never leaves an admin whose
        // password nobody has; if another node created the admin first, the file is dropped.
        boolean created = false;
        try {
            created = create(password.toCharArray());
            if (!created) {
                return new Result.AlreadyExists();
            }
            Files.move(pending, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
            return new Result.CreatedWithGeneratedPassword(password, target);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "admin created, but its password could not be moved to " + target + "; it is in " + pending, e);
        } finally {
            if (!created) {
                deleteQuietly(pending);
            }
        }
    }

    private boolean create(char[] password) {
        try {
            return users.create(new UserRecord(AdminOnlyAuthorizer.ADMIN, hasher.hash(password), clock.instant()));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Writes the password to a new file in the data directory, created with mode 0600 in the same call. */
    private Path writeOwnerOnly(String password) throws IOException {
        Files.createDirectories(dataDir);
        if (!Files.getFileStore(dataDir).supportsFileAttributeView(PosixFileAttributeView.class)) {
            throw new IllegalStateException(
                    "cannot create an owner-only file in " + dataDir + "; set " + PASSWORD_ENV + " instead");
        }
        byte[] suffix = new byte[8];
        random.nextBytes(suffix);
        Path pending =
                dataDir.resolve("." + PASSWORD_FILE + "." + HexFormat.of().formatHex(suffix) + ".tmp");
        try (FileChannel channel = FileChannel.open(
                pending,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer content = ByteBuffer.wrap((password + "\n").getBytes(StandardCharsets.UTF_8));
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(pending);
            throw e;
        }
        return pending;
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Not every platform can sync a directory; the rename itself has happened.
        }
    }

    private String generatePassword() {
        StringBuilder password = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // best effort: a leftover temp file is owner-only
        }
    }
}
