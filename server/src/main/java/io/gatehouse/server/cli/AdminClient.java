package io.gatehouse.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every admin command shares: where the server is, who is asking (flags, then {@code GATEHOUSE_USERNAME}
 * / {@code GATEHOUSE_PASSWORD}, then what {@code gatehouse login} saved for the server), and how to print
 * the answer.
 */
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
            description = "Defaults to $GATEHOUSE_USERNAME, else the saved login.")
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

    /** The server's answer to one request. */
    record Answer(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        boolean ok() {
            return status < 300;
        }

        String error() {
            return body.path("errors").path(0).path("message").asText("HTTP " + status);
        }
    }

    String server() {
        return SavedCredentials.key(server);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    SavedCredentials saved() {
        return SavedCredentials.forEnvironment(System.getenv());
    }

    /** Sends the request as the configured caller and prints the answer; returns the process exit code. */
    int call(String method, String path, Map<String, Object> body, Function<JsonNode, String> human)
            throws IOException, InterruptedException {
        Optional<String> authorization = authorization();
        if (authorization.isEmpty()) {
            return 2;
        }
        Optional<Answer> answer = send(authorization.get(), method, path, body);
        if (answer.isEmpty()) {
            return 1;
        }
        return print(answer.get(), human);
    }

    /** The Authorization header for the configured caller; empty (after saying how to log in) if none. */
    Optional<String> authorization() throws IOException {
        Optional<String> authorization = credentials().map(AdminClient::basic);
        if (authorization.isEmpty() && token != null && !token.isEmpty()) {
            authorization = Optional.of("Bearer " + token);
        }
        if (authorization.isEmpty()) {
            err().println("gatehouse: set GATEHOUSE_USERNAME and GATEHOUSE_PASSWORD (or GATEHOUSE_TOKEN), or run"
                    + " gatehouse login --server " + server());
        }
        return authorization;
    }

    /** Sends one request with an Authorization header from {@link #authorization()}, for commands that page. */
    Optional<Answer> send(String authorization, String method, String path) throws IOException, InterruptedException {
        return send(authorization, method, path, null);
    }

    /** Prints an answer: the JSON or the human line on success, the server's message on failure. */
    int print(Answer answer, Function<JsonNode, String> human) {
        if (!answer.ok()) {
            err().println("gatehouse: " + answer.error());
            err().flush();
            return 1;
        }
        out().println(json ? answer.body().toString() : human.apply(answer.body()));
        out().flush();
        return 0;
    }

    /** Sends one request; empty (after printing why) if the server cannot be reached. */
    Optional<Answer> send(SavedCredentials.Login login, String method, String path, Map<String, Object> body)
            throws IOException, InterruptedException {
        return send(basic(login), method, path, body);
    }

    private static String basic(SavedCredentials.Login login) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
    }

    Optional<Answer> send(String authorization, String method, String path, Map<String, Object> body)
            throws IOException, InterruptedException {
        return send(
                authorization,
                method,
                path,
                "application/json",
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)),
                Duration.ofSeconds(30));
    }

    /** Sends a streamed body (an upload) as the configured caller and prints the answer; the exit code. */
    int upload(String path, String contentType, HttpRequest.BodyPublisher body, Function<JsonNode, String> human)
            throws IOException, InterruptedException {
        Optional<String> authorization = authorization();
        if (authorization.isEmpty()) {
            return 2;
        }
        Optional<Answer> answer = send(authorization.get(), "POST", path, contentType, body, Duration.ofHours(1));
        return answer.isEmpty() ? 1 : print(answer.get(), human);
    }

    private Optional<Answer> send(
            String authorization,
            String method,
            String path,
            String contentType,
            HttpRequest.BodyPublisher body,
            Duration timeout)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(server() + path))
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", contentType)
                .method(method, body)
                .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            err().println("gatehouse: cannot reach " + server + ": " + e.getMessage());
            return Optional.empty();
        }
        JsonNode answer;
        try {
            answer = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        return Optional.of(new Answer(response.statusCode(), answer, response.headers()));
    }

    /** Flags or environment first; the saved login for this server when no password is given there. */
    private Optional<SavedCredentials.Login> credentials() throws IOException {
        if (username != null && !username.isEmpty() && password != null) {
            return Optional.of(new SavedCredentials.Login(username, password));
        }
        return saved().find(server())
                .filter(l ->
                        username == null || username.isEmpty() || l.username().equals(username));
    }

    /** A path segment or query value, percent-encoded (robot names contain {@code $} and {@code +}). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
