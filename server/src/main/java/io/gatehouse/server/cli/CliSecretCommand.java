package io.gatehouse.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse user cli-secret}: a single sign-on user's personal secret for docker, podman and skopeo
 * login, which cannot follow a browser login. Authenticate with the token from the login callback
 * ({@code GATEHOUSE_TOKEN}) or with the current CLI secret.
 */
@Command(
        name = "cli-secret",
        description = "Create your CLI secret for docker/skopeo login (replacing any old one; shown once),"
                + " or remove it with --revoke. For single sign-on users.")
final class CliSecretCommand implements Callable<Integer> {
    @Mixin
    AdminClient client;

    @Option(names = "--revoke", description = "Remove the secret: it stops working at once.")
    boolean revoke;

    @Override
    public Integer call() throws Exception {
        if (revoke) {
            return client.call("DELETE", "/api/v1/users/me/cli-secret", null, a -> "revoked your CLI secret");
        }
        return client.call(
                "POST",
                "/api/v1/users/me/cli-secret",
                null,
                a -> "username: " + a.path("username").asText() + "\nsecret: "
                        + a.path("secret").asText());
    }
}
