package io.gatehouse.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code skopeo} binary. Every instance has its own home directory: an empty {@code auth.json}
 * ({@code --authfile} and {@code REGISTRY_AUTH_FILE}), an accept-everything {@code policy.json}, an empty
 * {@code registries.conf}, its own {@code --tmpdir}, {@code HOME} and {@code XDG_*} directories, so tests never read or
 * write {@code ~/.docker}, {@code /run/containers} or {@code /etc/containers}. (skopeo running as root still keeps its
 * blob-info cache in {@code /var/lib/containers/cache}; skopeo 1.9 has no option to move it.)
 *
 * <p>TLS verification is always off, so skopeo talks HTTPS without verification or falls back to plain HTTP.
 */
public final class Skopeo {

    /** Set to {@code 1} to skip (instead of fail) tests whose client binaries are missing. */
    public static final String SKIP_ENV = "GATEHOUSE_IT_SKIP_CLIENTS";
    /** Overrides the skopeo binary; otherwise {@code skopeo} is looked up on {@code PATH}. */
    public static final String BINARY_ENV = "GATEHOUSE_SKOPEO";

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    /** Outcome of one skopeo run. */
    public record Result(List<String> command, int exitCode, byte[] stdoutBytes, String stderr) {
        /** Standard output as UTF-8 text. */
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        /** Standard output and standard error, for matching error messages wherever skopeo printed them. */
        public String output() {
            return stdout() + "\n" + stderr;
        }

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Throws with the full command, exit code and output unless skopeo exited with 0. */
        public Result orThrow() {
            if (exitCode != 0) {
                throw new AssertionError("skopeo failed: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", redacted(command)) + "\n  exit " + exitCode + "\n  stdout: " + stdout().strip()
                    + "\n  stderr: " + stderr.strip();
        }
    }

    private static List<String> redacted(List<String> command) {
        List<String> copy = new ArrayList<>(command);
        for (int i = 1; i < copy.size(); i++) {
            if (copy.get(i - 1).endsWith("-creds") && copy.get(i).contains(":")) {
                copy.set(i, copy.get(i).substring(0, copy.get(i).indexOf(':')) + ":***");
            }
        }
        return copy;
    }

    /** user:password for {@code --creds}-style options; {@code null} username means anonymous. */
    public record Credentials(String username, String password) {
        public static final Credentials ANONYMOUS = new Credentials(null, null);

        public boolean anonymous() {
            return username == null;
        }

        String asOption() {
            return username + ":" + password;
        }
    }

    private final Path binary;
    private final Path home;
    private final Path authFile;
    private final Path policy;
    private final Path tmp;
    private final Map<String, String> environment;
    private final List<String> globalOptions;

    private Skopeo(Skopeo base, List<String> globalOptions) {
        this.binary = base.binary;
        this.home = base.home;
        this.authFile = base.authFile;
        this.policy = base.policy;
        this.tmp = base.tmp;
        this.environment = base.environment;
        this.globalOptions = List.copyOf(globalOptions);
    }

    private Skopeo(Path binary, Path home) throws IOException {
        this.globalOptions = List.of();
        this.binary = binary;
        this.home = Files.createDirectories(home);
        this.authFile = home.resolve("auth.json");
        Files.writeString(authFile, "{\"auths\":{}}");
        this.policy = home.resolve("policy.json");
        Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        Path registriesConf = home.resolve("registries.conf");
        Files.writeString(registriesConf, "unqualified-search-registries = []\n");
        Path registriesD = Files.createDirectories(home.resolve("registries.d"));
        this.tmp = Files.createDirectories(home.resolve("tmp"));
        Path runtime = Files.createDirectories(home.resolve("run"));
        Path data = Files.createDirectories(home.resolve("share"));
        Path config = Files.createDirectories(home.resolve("config"));
        this.environment = Map.of(
                "HOME", home.toString(),
                "XDG_RUNTIME_DIR", runtime.toString(),
                "XDG_DATA_HOME", data.toString(),
                "XDG_CONFIG_HOME", config.toString(),
                "REGISTRY_AUTH_FILE", authFile.toString(),
                "DOCKER_CONFIG", config.resolve("docker").toString(),
                "CONTAINERS_REGISTRIES_CONF", registriesConf.toString(),
                "CONTAINERS_REGISTRIES_CONF_DIR", registriesD.toString(),
                "TMPDIR", tmp.toString());
    }

    /** A skopeo with its private home under {@code home}; fails if the binary is missing. */
    public static Skopeo create(Path home) {
        Path binary = locate().orElseThrow(() -> new AssertionError(missingDescription()));
        try {
            return new Skopeo(binary, home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Empty when skopeo is installed; otherwise the reason to skip the tests if {@value #SKIP_ENV}=1, else throws an
     * {@link AssertionError} explaining how to install it. Call from {@code @BeforeAll}.
     */
    public static Optional<String> skipReasonIfMissing() {
        return locate().isPresent() ? Optional.empty() : Optional.of(skipOrFail(missingDescription()));
    }

    public static Optional<Path> locate() {
        String override = System.getenv(BINARY_ENV);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        return onPath("skopeo");
    }

    /** Looks up an executable on {@code PATH}. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * For a missing client binary: returns the reason to skip if {@value #SKIP_ENV}=1, otherwise throws an
     * {@link AssertionError} with {@code message} and how to proceed.
     */
    public static String skipOrFail(String message) {
        if ("1".equals(System.getenv(SKIP_ENV))) {
            return "SKIPPED because " + SKIP_ENV + "=1: " + message;
        }
        throw new AssertionError(
                message + " Install it (.ci/run does) or set " + SKIP_ENV + "=1 to skip the real-client tests.");
    }

    private static String missingDescription() {
        String override = System.getenv(BINARY_ENV);
        return override != null && !override.isBlank()
                ? "skopeo is not installed: " + BINARY_ENV + "=" + override + " is not an executable file."
                : "skopeo is not installed: no executable 'skopeo' on PATH (apt-get install skopeo).";
    }

    /** The same skopeo (same home and auth file) with extra global options, e.g. {@code --override-arch arm64}. */
    public Skopeo withGlobalOptions(String... options) {
        List<String> all = new ArrayList<>(globalOptions);
        all.addAll(List.of(options));
        return new Skopeo(this, all);
    }

    public Path authFile() {
        return authFile;
    }

    public Path home() {
        return home;
    }

    /** Runs {@code skopeo --policy P --tmpdir T [global options] ARGS...} with the default timeout. */
    public Result run(String... args) {
        return run(DEFAULT_TIMEOUT, null, List.of(args));
    }

    public Result run(List<String> args) {
        return run(DEFAULT_TIMEOUT, null, args);
    }

    /** Runs skopeo; {@code stdin} (may be null) is written to its standard input. Never throws on a non-zero exit. */
    public Result run(Duration timeout, String stdin, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--policy");
        command.add(policy.toString());
        command.add("--tmpdir");
        command.add(tmp.toString());
        command.add("--command-timeout");
        command.add(timeout.toSeconds() + "s");
        command.addAll(globalOptions);
        command.addAll(args);
        String id = Long.toString(System.nanoTime());
        Path out = home.resolve("stdout-" + id);
        Path err = home.resolve("stderr-" + id);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            try (var input = process.getOutputStream()) {
                if (stdin != null) {
                    input.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            // A little longer than --command-timeout so skopeo normally reports its own timeout.
            if (!process.waitFor(timeout.toMillis() + 15_000, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("skopeo did not finish within " + timeout + ": " + String.join(" ", command)
                        + "\n  stderr so far: " + Files.readString(err));
            }
            Result result = new Result(
                    List.copyOf(command), process.exitValue(), Files.readAllBytes(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** {@code skopeo copy [extra...] --src-tls-verify=false --dest-tls-verify=false [creds] SRC DEST}. */
    public Result copy(
            String source, Credentials sourceCreds, String destination, Credentials destCreds, String... extra) {
        List<String> args = new ArrayList<>(List.of("copy"));
        args.addAll(List.of(extra));
        if (source.startsWith("docker://")) {
            args.add("--src-tls-verify=false");
            args.addAll(credentialOptions("--src-creds", sourceCreds));
        }
        if (destination.startsWith("docker://")) {
            args.add("--dest-tls-verify=false");
            args.addAll(credentialOptions("--dest-creds", destCreds));
        }
        args.add(source);
        args.add(destination);
        return run(args);
    }

    /** {@code skopeo inspect --tls-verify=false [--raw] [creds] REF}. */
    public Result inspect(String reference, Credentials creds, String... extra) {
        List<String> args = new ArrayList<>(List.of("inspect", "--tls-verify=false"));
        args.addAll(credentialOptions("--creds", creds));
        args.addAll(List.of(extra));
        args.add(reference);
        return run(args);
    }

    public Result inspectRaw(String reference, Credentials creds) {
        return inspect(reference, creds, "--raw");
    }

    public Result listTags(String reference, Credentials creds) {
        List<String> args = new ArrayList<>(List.of("list-tags", "--tls-verify=false"));
        args.addAll(credentialOptions("--creds", creds));
        args.add(reference);
        return run(args);
    }

    public Result delete(String reference, Credentials creds) {
        List<String> args = new ArrayList<>(List.of("delete", "--tls-verify=false"));
        args.addAll(credentialOptions("--creds", creds));
        args.add(reference);
        return run(args);
    }

    /** {@code skopeo login} into this instance's private auth file, password on stdin. */
    public Result login(String hostPort, Credentials creds) {
        return run(
                DEFAULT_TIMEOUT,
                creds.password() + "\n",
                List.of(
                        "login",
                        "--tls-verify=false",
                        "--authfile",
                        authFile.toString(),
                        "--username",
                        creds.username(),
                        "--password-stdin",
                        hostPort));
    }

    public Result logout(String hostPort) {
        return run("logout", "--authfile", authFile.toString(), hostPort);
    }

    /** The credentials option, or nothing for anonymous access (then the private, normally empty, auth file applies). */
    private List<String> credentialOptions(String option, Credentials creds) {
        if (creds == null || creds.anonymous()) {
            String authFileOption = option.equals("--creds")
                    ? "--authfile"
                    : option.startsWith("--src") ? "--src-authfile" : "--dest-authfile";
            return List.of(authFileOption, authFile.toString());
        }
        return List.of(option, creds.asOption());
    }
}
