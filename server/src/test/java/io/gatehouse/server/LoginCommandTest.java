package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse login} and {@code logout} as separate processes, like a user's shell: a temporary
 * XDG_CONFIG_HOME, no GATEHOUSE_USERNAME/PASSWORD in the environment, the password on standard input.
 */
class LoginCommandTest {
    @TempDir
    static Path dataDir;

    @TempDir
    Path configHome;

    static TestServer server;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs {@code gatehouse ARGS} in a new JVM with only XDG_CONFIG_HOME (and extra variables) set. */
    Run gatehouse(String stdin, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().remove("GATEHOUSE_USERNAME");
        builder.environment().remove("GATEHOUSE_PASSWORD");
        builder.environment().put("XDG_CONFIG_HOME", configHome.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out, err);
    }

    Path credentials() {
        return configHome.resolve("gatehouse").resolve("credentials.json");
    }

    String url() {
        return server.baseUri().toString();
    }

    @Test
    void loginVerifiesSavesPrivatelyAndAdminCommandsUseIt() throws Exception {
        Run login = gatehouse(
                TestServer.ADMIN_PASSWORD + "\n",
                Map.of(),
                "login",
                "--server",
                url(),
                "--username",
                "admin",
                "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("logged in to " + url().replaceAll("/$", "") + " as admin");
        assertThat(login.out() + login.err()).doesNotContain(TestServer.ADMIN_PASSWORD);

        assertThat(Files.getPosixFilePermissions(credentials()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(credentials().getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.readString(credentials())).contains("\"username\" : \"admin\"");

        Run create = gatehouse(null, Map.of(), "project", "create", "saved", "--server", url());
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out()).contains("created project saved");
        Run list = gatehouse(null, Map.of(), "project", "list", "--server", url() + "/");
        assertThat(list.out()).as("a trailing slash names the same server").contains("saved");

        Run logout = gatehouse(null, Map.of(), "logout", "--server", url());
        assertThat(logout.out()).contains("logged out of");
        Run after = gatehouse(null, Map.of(), "project", "list", "--server", url());
        assertThat(after.exit()).isEqualTo(2);
        assertThat(after.err()).contains("gatehouse login");
        assertThat(gatehouse(null, Map.of(), "logout", "--server", url()).out()).contains("no saved login");
    }

    @Test
    void aWrongPasswordIsRefusedAndNothingIsSaved() throws Exception {
        Run login = gatehouse(
                "not-the-password\n",
                Map.of(),
                "login",
                "--server",
                url(),
                "--username",
                "admin",
                "--password-stdin",
                "--json");
        assertThat(login.exit()).isEqualTo(1);
        assertThat(login.err()).contains("gatehouse:");
        assertThat(login.out() + login.err()).doesNotContain("not-the-password");
        assertThat(credentials()).doesNotExist();
    }

    @Test
    void theEnvironmentWinsOverTheSavedLoginAndJsonNamesTheCaller() throws Exception {
        Run login = gatehouse(
                TestServer.ADMIN_PASSWORD,
                Map.of("GATEHOUSE_USERNAME", "admin"),
                "login",
                "--server",
                url(),
                "--password-stdin",
                "--json");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out().strip()).isEqualTo("{\"name\":\"admin\",\"kind\":\"user\"}");

        Run wrongEnv = gatehouse(
                null,
                Map.of("GATEHOUSE_USERNAME", "admin", "GATEHOUSE_PASSWORD", "wrong-password"),
                "project",
                "list",
                "--server",
                url());
        assertThat(wrongEnv.exit())
                .as("the variables are used, not the saved login")
                .isEqualTo(1);

        Run otherServer = gatehouse(null, Map.of(), "project", "list", "--server", "http://127.0.0.1:1");
        assertThat(otherServer.exit())
                .as("a login is saved for its server only")
                .isEqualTo(2);
    }

    @Test
    void loginNeedsAUsernameAndAPassword() throws Exception {
        Run noUser = gatehouse("x", Map.of(), "login", "--server", url(), "--password-stdin");
        assertThat(noUser.exit()).isEqualTo(2);
        assertThat(noUser.err()).contains("--username");
        Run noPassword = gatehouse("", Map.of(), "login", "--server", url(), "--username", "admin", "--password-stdin");
        assertThat(noPassword.exit()).isEqualTo(2);
        assertThat(noPassword.err()).contains("no password");
    }
}
