package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.access.AdminBootstrap.Result;
import io.gatehouse.core.store.UserRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminBootstrapTest {
    static final PasswordHasher HASHER = PasswordHasherTest.FAST;

    @TempDir
    Path dataDir;

    MutableClock clock;
    InMemoryUsers users;
    AdminBootstrap bootstrap;

    @BeforeEach
    void setUp() {
        clock = new MutableClock();
        users = new InMemoryUsers();
        bootstrap = new AdminBootstrap(users, HASHER, dataDir, clock);
    }

    @Test
    void generatesPasswordAndWritesItOwnerOnly() throws Exception {
        Result result = bootstrap.ensureAdmin(null);

        Result.CreatedWithGeneratedPassword created = (Result.CreatedWithGeneratedPassword) result;
        assertThat(created.password()).hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(created.toString()).doesNotContain(created.password());
        Path file = dataDir.resolve("initial-admin-password");
        assertThat(created.passwordFile()).isEqualTo(file);
        assertThat(Files.readString(file)).isEqualTo(created.password() + "\n");
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        UserRecord admin = users.find("admin").orElseThrow();
        assertThat(admin.createdAt()).isEqualTo(clock.instant());
        assertThat(HASHER.verify(created.password().toCharArray(), admin.passwordHash()))
                .isTrue();
        try (var files = Files.list(dataDir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void existingAdminIsNeverOverwritten() throws Exception {
        Result.CreatedWithGeneratedPassword first = (Result.CreatedWithGeneratedPassword) bootstrap.ensureAdmin(null);
        String hash = users.find("admin").orElseThrow().passwordHash();

        assertThat(bootstrap.ensureAdmin(null)).isInstanceOf(Result.AlreadyExists.class);
        assertThat(bootstrap.ensureAdmin("a-supplied-password")).isInstanceOf(Result.AlreadyExists.class);

        assertThat(users.find("admin").orElseThrow().passwordHash()).isEqualTo(hash);
        assertThat(Files.readString(first.passwordFile())).isEqualTo(first.password() + "\n");
    }

    @Test
    void suppliedPasswordIsUsedAndNothingIsWritten() throws Exception {
        assertThat(bootstrap.ensureAdmin("correct horse battery"))
                .isInstanceOf(Result.CreatedWithSuppliedPassword.class);

        assertThat(HASHER.verify(
                        "correct horse battery".toCharArray(),
                        users.find("admin").orElseThrow().passwordHash()))
                .isTrue();
        try (var files = Files.list(dataDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void shortSuppliedPasswordIsRefused() {
        assertThatThrownBy(() -> bootstrap.ensureAdmin("admin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GATEHOUSE_ADMIN_PASSWORD");
        assertThat(users.find("admin")).isEmpty();
    }

    @Test
    void staleFileFromAnEarlierAttemptIsReplaced() throws Exception {
        Files.writeString(dataDir.resolve("initial-admin-password"), "stale\n");
        Result.CreatedWithGeneratedPassword created = (Result.CreatedWithGeneratedPassword) bootstrap.ensureAdmin(null);
        assertThat(Files.readString(created.passwordFile())).isEqualTo(created.password() + "\n");
        assertThat(Files.getPosixFilePermissions(created.passwordFile()))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }

    @Test
    void losingTheRaceToAnotherNodeLeavesNoFile() throws Exception {
        InMemoryUsers racing = new InMemoryUsers() {
            @Override
            public boolean create(UserRecord user) {
                return false; // another node created the admin between our lookup and our insert
            }
        };
        Result result = new AdminBootstrap(racing, HASHER, dataDir, clock).ensureAdmin(null);

        assertThat(result).isInstanceOf(Result.AlreadyExists.class);
        try (var files = Files.list(dataDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void createsTheDataDirectory() {
        Path nested = dataDir.resolve("a/b");
        new AdminBootstrap(users, HASHER, nested, clock).ensureAdmin(null);
        assertThat(nested.resolve("initial-admin-password")).exists();
    }
}
