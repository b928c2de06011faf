package io.gatehouse.scan.extract.lang;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real language packages for the extractor tests, made at test time and reusable by end-to-end tests: pickles
 * written by the machine's Python ({@code target/fixtures/pickles}), jars from Maven Central copied by the
 * {@code maven-dependency-plugin} ({@code target/fixtures/maven}), npm tarballs from the npm registry (in
 * {@code $GATEHOUSE_TEST_CACHE/npm}, default {@code ~/.cache/gatehouse-test/npm}). A missing tool or registry
 * skips the test with the reason.
 */
public final class LanguageFixtures {
    private static final Path TARGET = Path.of("target", "fixtures").toAbsolutePath();

    private LanguageFixtures() {}

    /** The pickles {@code lang/make_pickles.py} writes; the script only dumps, nothing is ever loaded. */
    public static synchronized Path pickles() throws IOException {
        Path dir = TARGET.resolve("pickles");
        if (!Files.isRegularFile(dir.resolve("legacy.pth"))) {
            Files.createDirectories(dir);
            Path script = dir.resolve("make_pickles.py");
            try (InputStream in = LanguageFixtures.class.getResourceAsStream("/lang/make_pickles.py")) {
                Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            run(dir, List.of("python3", script.toString(), dir.toString()));
        }
        return dir;
    }

    /** Jars copied from the local Maven repository by scan/pom.xml during generate-test-resources. */
    public static Path mavenJar(String fileName) {
        Path jar = TARGET.resolve("maven").resolve(fileName);
        assumeTrue(Files.isRegularFile(jar), jar + " missing: run the build through Maven (generate-test-resources)");
        return jar;
    }

    /** The dependencies of the npm project whose lock files the tests read: scoped, nested and aliased packages. */
    public static final String NPM_PROJECT = """
            {"name": "demo", "version": "1.0.0", "dependencies": {"lodash": "4.17.20", "@sindresorhus/is": "4.0.0",
             "minimist": "1.2.5", "mkdirp": "0.5.1", "old-lodash": "npm:lodash@4.17.4"}}
            """;

    /**
     * A project directory with {@code package-lock.json} of the given lockfile version, resolved by npm against the
     * registry ({@code mkdirp 0.5.1} brings a nested {@code minimist 0.0.8}); skips when npm or the registry is
     * missing.
     */
    public static synchronized Path npmLockProject(int lockfileVersion) throws IOException {
        Path dir = cache("npm").resolve("lock-v" + lockfileVersion);
        if (!Files.isRegularFile(dir.resolve("package-lock.json"))) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("package.json"), NPM_PROJECT);
            npm(dir, "install", "--package-lock-only", "--ignore-scripts", "--lockfile-version", "" + lockfileVersion);
        }
        return dir;
    }

    /** {@code npm pack SPEC} into the cache: the package's tarball as the registry serves it. */
    public static synchronized Path npmTarball(String spec, String fileName) throws IOException {
        Path dir = cache("npm");
        if (!Files.isRegularFile(dir.resolve(fileName))) npm(dir, "pack", spec);
        return dir.resolve(fileName);
    }

    /** Runs npm; a failure (no npm, no registry) skips the test with npm's own words. */
    public static String npm(Path dir, String... args) throws IOException {
        var command = new java.util.ArrayList<String>(List.of("npm", "--no-audit", "--no-fund"));
        command.addAll(List.of(args));
        try {
            return run(dir, command);
        } catch (IOException e) {
            assumeTrue(false, "npm registry unreachable or npm failed: " + e.getMessage());
            throw e;
        }
    }

    /**
     * A Go binary built here, offline, with {@code go build}: a main module with one dependency replaced by a local
     * directory and one replaced by another module's version, served from a file-system module proxy written here.
     * Skips when Go is not installed ({@code apt-get install golang-go}).
     */
    public static synchronized Path goBinary() throws IOException {
        Path dir = TARGET.resolve("go");
        Path binary = dir.resolve("fixture");
        if (Files.isRegularFile(binary)) return binary;
        write(dir.resolve("go.mod"), """
                module example.com/gatehouse/fixture

                go 1.19

                require (
                	example.com/left v1.2.3
                	example.com/right v0.4.0
                )

                replace example.com/left => ./left

                replace example.com/right v0.4.0 => example.com/righter v0.5.0
                """);
        write(dir.resolve("main.go"), """
                package main

                import (
                	"fmt"

                	"example.com/left"
                	"example.com/right"
                )

                func main() { fmt.Println(left.Name(), right.Name()) }
                """);
        write(dir.resolve("left/go.mod"), "module example.com/left\n\ngo 1.19\n");
        write(dir.resolve("left/left.go"), "package left\n\nfunc Name() string { return \"left\" }\n");
        String righterMod = "module example.com/righter\n\ngo 1.19\n";
        Path versions = dir.resolve("proxy/example.com/righter/@v");
        write(versions.resolve("list"), "v0.5.0\n");
        write(versions.resolve("v0.5.0.info"), "{\"Version\":\"v0.5.0\"}");
        write(versions.resolve("v0.5.0.mod"), righterMod);
        Files.write(
                versions.resolve("v0.5.0.zip"),
                new ZipFixture()
                        .add("example.com/righter@v0.5.0/go.mod", righterMod.getBytes(StandardCharsets.UTF_8))
                        .add(
                                "example.com/righter@v0.5.0/right.go",
                                "package right\n\nfunc Name() string { return \"righter\" }\n"
                                        .getBytes(StandardCharsets.UTF_8))
                        .bytes());
        run(
                dir,
                List.of(
                        "env",
                        "GOPROXY=file://" + dir.resolve("proxy"),
                        "GOSUMDB=off",
                        "GOFLAGS=-mod=mod",
                        "GOMODCACHE=" + dir.resolve("modcache"),
                        "GOCACHE=" + dir.resolve("cache"),
                        "GOPATH=" + dir.resolve("gopath"),
                        "go",
                        "build",
                        "-o",
                        binary.toString(),
                        "."));
        return binary;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Where downloads are cached between runs. */
    public static Path cache(String kind) throws IOException {
        String root = System.getenv("GATEHOUSE_TEST_CACHE");
        Path dir = (root == null || root.isBlank()
                        ? Path.of(System.getProperty("user.home"), ".cache", "gatehouse-test")
                        : Path.of(root))
                .resolve(kind);
        return Files.createDirectories(dir);
    }

    /** Runs a command in {@code dir}; skips the test when the tool is missing, fails it when the tool fails. */
    public static String run(Path dir, List<String> command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            assumeTrue(false, command.getFirst() + " is not installed: " + e.getMessage());
            throw e;
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " timed out");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
