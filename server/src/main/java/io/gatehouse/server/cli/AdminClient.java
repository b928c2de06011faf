package io.gatehouse.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every admin command shares: where the server is, who is asking, and how to print the answer. */
public final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--server",
            paramLabel = "URL",
            defaultValue = "http://127.0.0.1:5000",
            description = "Gatehouse URL (default ${DEFAULT-VALUE}).")
    String server;

    @Option(
            names = "--username",
            paramLabel = "NAME",
            defaultValue = "${env:GATEHOUSE_USERNAME}",
            description = "Defaults to $GATEHOUSE_USERNAME.")
    String username;

    @Option(
            names = "--password",
            hidden = true,
            defaultValue = "${env:GATEHOUSE_PASSWORD}",
            description = "Defaults to $GATEHOUSE_PASSWORD (prefer the variable: flags show in process lists).")
    String password;

    @Option(
            names = "--token",
            hidden = true,
            defaultValue = "${env:GATEHOUSE_TOKEN}",
            description = "A registry token (from a single sign-on login) instead of a password; defaults to"
                    + " $GATEHOUSE_TOKEN.")
    String token;

    @Option(names = "--json", description = "Print the server's JSON answer.")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    /** Sends the request and prints the answer; returns the process exit code. */
    int call(String method, String path, Map<String, Object> body, Function<JsonNode, String> human)
            throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean hasPassword = username != null && !username.isEmpty() && password != null;
        boolean hasToken = token != null && !token.isEmpty();
        if (!hasPassword && !hasToken) {
            err.println("gatehouse: set GATEHOUSE_USERNAME and GATEHOUSE_PASSWORD (or GATEHOUSE_TOKEN)");
            return 2;
        }
        String authorization = hasPassword
                ? "Basic "
                        + Base64.getEncoder()
                                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8))
                : "Bearer " + token;
        var request = HttpRequest.newBuilder(URI.create(server.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("gatehouse: cannot reach " + server + ": " + e.getMessage());
            return 1;
        }
        JsonNode answer = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() >= 300) {
            String message = answer.path("errors").path(0).path("message").asText("HTTP " + response.statusCode());
            err.println("gatehouse: " + message);
            return 1;
        }
        out.println(json ? answer.toString() : human.apply(answer));
        out.flush();
        return 0;
    }
}
