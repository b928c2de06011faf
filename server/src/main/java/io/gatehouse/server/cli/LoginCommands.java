package io.gatehouse.server.cli;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gatehouse login} and {@code logout}: saved credentials, so admin commands need no environment. */
public final class LoginCommands {
    private LoginCommands() {}

    @Command(
            name = "login",
            description = "Check credentials against the server, then save them for it (password from stdin).")
    public static final class Login implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(names = "--password-stdin", required = true, description = "Read the password from standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            if (client.username == null || client.username.isEmpty()) {
                throw new IllegalArgumentException("give --username (or set GATEHOUSE_USERNAME)");
            }
            String password = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                throw new IllegalArgumentException("no password on standard input");
            }
            var login = new SavedCredentials.Login(client.username, password);
            var answer = client.send(login, "GET", "/api/v1/users/me", null);
            if (answer.isEmpty()) {
                return 1;
            }
            if (!answer.get().ok()) {
                // Nothing is saved unless the server accepted the credentials.
                return client.print(answer.get(), a -> "");
            }
            SavedCredentials saved = client.saved();
            saved.save(client.server(), login);
            return client.print(
                    answer.get(),
                    a -> "logged in to " + client.server() + " as "
                            + a.path("name").asText() + " (saved in " + saved.file() + ")");
        }
    }

    @Command(name = "logout", description = "Forget the credentials saved for the server.")
    public static final class Logout implements Callable<Integer> {
        @Option(
                names = "--server",
                paramLabel = "URL",
                defaultValue = "http://127.0.0.1:5000",
                description = "Gatehouse URL (default ${DEFAULT-VALUE}).")
        String server;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var saved = SavedCredentials.forEnvironment(System.getenv());
            boolean removed = saved.remove(server);
            spec.commandLine()
                    .getOut()
                    .println(
                            removed
                                    ? "logged out of " + SavedCredentials.key(server)
                                    : "no saved login for " + SavedCredentials.key(server));
            return 0;
        }
    }
}
