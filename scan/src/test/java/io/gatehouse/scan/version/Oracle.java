package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real implementation of a version order (dpkg, Python's packaging, node-semver, rpm) run as ONE process per test:
 * it reads {@code V<TAB>version} lines (answering {@code valid} or {@code invalid}) and {@code C<TAB>a<TAB>b} lines
 * (answering -1, 0 or 1) on stdin, one answer line per question. {@link #check} then holds a scheme to its answers.
 */
record Oracle(String description, List<String> command, Path workingDirectory) {

    Oracle(String description, String... command) {
        this(description, List.of(command), null);
    }

    /** dpkg's own binary: the reference, but one process per question (~10 ms each), so for samples only. */
    static Oracle dpkgBinary() {
        assumeInstalled("dpkg", "apt-get install dpkg");
        return new Oracle("dpkg --compare-versions", "bash", "-c", """
                while IFS=$'\\t' read -r kind a b; do
                  if [ "$kind" = V ]; then
                    if dpkg --compare-versions "$a" eq "$a" 2>&1 | grep -q 'bad syntax'; then echo invalid; else echo valid; fi
                  elif dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1
                  elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0
                  else echo 1; fi
                done
                """);
    }

    /** Dpkg::Version from libdpkg-perl, the dpkg project's own library, in one process: for thousands of pairs. */
    static Oracle dpkgPerl() {
        assumeInstalled("perl", "apt-get install perl");
        return new Oracle("Dpkg::Version (libdpkg-perl)", "perl", "-e", """
                eval { require Dpkg::Version; Dpkg::Version->import(); 1 } or exit 3;
                $| = 1;
                while (my $line = <STDIN>) {
                  chomp $line;
                  my @f = split /\\t/, $line, -1;
                  if ($f[0] eq 'V') { print((version_check($f[1]) ? "valid" : "invalid"), "\\n"); }
                  else { print((version_compare($f[1], $f[2]) <=> 0), "\\n"); }
                }
                """);
    }

    /** Python's packaging.version (what pip uses). */
    static Oracle pythonPackaging() {
        // Maven's forked JVM may not see a pyenv shim on its PATH: prefer it (newer packaging), then Debian's
        String pyenv = System.getenv().getOrDefault("PYENV_ROOT", System.getProperty("user.home") + "/.pyenv");
        String python = Stream.of(pyenv + "/shims/python3", "python3", "/usr/bin/python3")
                .filter(p -> succeeds(p, "-c", "import packaging.version"))
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(
                python != null, "no python3 with packaging (apt-get install python3-packaging): oracle test skipped");
        return new Oracle("packaging.version (" + python + ")", python, "-c", """
                import sys
                from packaging.version import Version, InvalidVersion
                def valid(s):
                    try:
                        Version(s)
                        return True
                    except InvalidVersion:
                        return False
                for line in sys.stdin:
                    f = line.rstrip("\\n").split("\\t")
                    if f[0] == "V":
                        print("valid" if valid(f[1]) else "invalid")
                    elif valid(f[1]) and valid(f[2]):
                        a, b = Version(f[1]), Version(f[2])
                        print((a > b) - (a < b))
                    else:
                        print("invalid")
                """);
    }

    /** rpm's own rpm.vercmp (rpmverCmp over epoch:version-release) through its embedded Lua, in one process. */
    static Oracle rpmLua() {
        assumeInstalled("rpm", "apt-get install rpm");
        // no '%' in the Lua body: rpm would expand it as a macro
        return new Oracle("rpm.vercmp", "rpm", "--eval", """
                %{lua:
                for line in io.lines() do
                  local t1 = line:find("\t", 1, true)
                  local t2 = line:find("\t", t1 + 1, true)
                  print(rpm.vercmp(line:sub(t1 + 1, t2 - 1), line:sub(t2 + 1)) .. "\\n")
                end
                }""");
    }

    /** node-semver, installed from the npm registry once into a cache directory. */
    static Oracle nodeSemver() {
        assumeInstalled("node", "apt-get install nodejs npm");
        assumeInstalled("npm", "apt-get install npm");
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "gatehouse-test", "node-semver");
        if (!cache.resolve("node_modules/semver/package.json").toFile().isFile()) {
            try {
                Process npm = new ProcessBuilder(
                                "npm",
                                "install",
                                "--silent",
                                "--no-audit",
                                "--no-fund",
                                "--prefix",
                                cache.toString(),
                                "semver@" + NODE_SEMVER_VERSION)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                boolean done = npm.waitFor(180, TimeUnit.SECONDS);
                Assumptions.assumeTrue(done && npm.exitValue() == 0, "npm install semver failed: oracle test skipped");
            } catch (IOException e) {
                Assumptions.abort("cannot run npm: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Assumptions.abort("interrupted");
            }
        }
        return new Oracle("node-semver " + NODE_SEMVER_VERSION, List.of("node", "-e", """
                const semver = require('semver');
                const lines = require('fs').readFileSync(0, 'utf8').split('\\n');
                const out = [];
                for (const line of lines) {
                  if (line === '') continue;
                  const f = line.split('\\t');
                  const ok = (v) => semver.valid(v) !== null;
                  out.push(f[0] === 'V' ? (ok(f[1]) ? 'valid' : 'invalid')
                      : ok(f[1]) && ok(f[2]) ? String(semver.compare(f[1], f[2])) : 'invalid');
                }
                process.stdout.write(out.join('\\n') + '\\n');
                """), cache);
    }

    /**
     * golang.org/x/mod/semver, the package the go command orders module versions with, as vendored in the Go
     * toolchain's own source tree (Debian's golang-go), built once into a cache directory. OSV writes Go versions
     * without the {@code v} Go requires, so the oracle adds it, as the scheme does.
     */
    static Oracle goModSemver() {
        assumeInstalled("go", "apt-get install golang-go");
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "gatehouse-test", "go-semver");
        Path binary = cache.resolve("oracle");
        if (!binary.toFile().canExecute()) {
            try {
                Process goroot = new ProcessBuilder("go", "env", "GOROOT").start();
                String root = new String(goroot.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                goroot.waitFor(60, TimeUnit.SECONDS);
                Path source = Path.of(root, "src/cmd/vendor/golang.org/x/mod/semver/semver.go");
                Assumptions.assumeTrue(
                        source.toFile().isFile(), "no x/mod/semver in the Go toolchain at " + source + ": skipped");
                java.nio.file.Files.createDirectories(cache.resolve("semver"));
                java.nio.file.Files.copy(
                        source, cache.resolve("semver/semver.go"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                java.nio.file.Files.writeString(cache.resolve("go.mod"), "module oracle\n\ngo 1.19\n");
                java.nio.file.Files.writeString(cache.resolve("main.go"), GO_ORACLE);
                var build = new ProcessBuilder("go", "build", "-o", binary.toString(), ".")
                        .directory(cache.toFile())
                        .redirectErrorStream(true);
                build.environment().put("GOFLAGS", "-mod=mod");
                build.environment().put("GOPROXY", "off");
                build.environment().put("GOCACHE", cache.resolve("gocache").toString());
                Process go = build.start();
                String log = new String(go.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                boolean done = go.waitFor(300, TimeUnit.SECONDS);
                Assumptions.assumeTrue(done && go.exitValue() == 0, "cannot build the Go oracle: " + log);
            } catch (IOException e) {
                Assumptions.abort("cannot build the Go oracle: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Assumptions.abort("interrupted");
            }
        }
        return new Oracle("golang.org/x/mod/semver", binary.toString());
    }

    private static final String GO_ORACLE = """
            package main

            import (
            	"bufio"
            	"fmt"
            	"os"
            	"strings"

            	"oracle/semver"
            )

            func withV(v string) string {
            	if strings.HasPrefix(v, "v") {
            		return v
            	}
            	return "v" + v
            }

            func main() {
            	in := bufio.NewScanner(os.Stdin)
            	out := bufio.NewWriter(os.Stdout)
            	defer out.Flush()
            	for in.Scan() {
            		f := strings.Split(in.Text(), "\t")
            		if f[0] == "V" {
            			if semver.IsValid(withV(f[1])) {
            				fmt.Fprintln(out, "valid")
            			} else {
            				fmt.Fprintln(out, "invalid")
            			}
            		} else if semver.IsValid(withV(f[1])) && semver.IsValid(withV(f[2])) {
            			fmt.Fprintln(out, semver.Compare(withV(f[1]), withV(f[2])))
            		} else {
            			fmt.Fprintln(out, "invalid")
            		}
            	}
            }
            """;

    static final String NODE_SEMVER_VERSION = "7.7.3";

    private static boolean succeeds(String... command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Skips the calling test, visibly, when {@code program} is not on the PATH (CI installs it, see .ci/run). */
    static void assumeInstalled(String program, String installHint) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= !dir.isEmpty() && Path.of(dir, program).toFile().canExecute();
        }
        Assumptions.assumeTrue(found, program + " is not installed (" + installHint + "): oracle test skipped");
    }

    /** What the oracle answered and how many questions of each kind were asked. */
    record Verdict(int validityQuestions, int comparisons, List<String> disagreements) {}

    /**
     * Asks the oracle whether each of {@code candidates} is valid (unless {@code askValidity} is false, for rpm,
     * which orders any string) and how each pair in {@code pairs} compares, and fails listing every disagreement
     * with {@code scheme}. Pairs the oracle or the scheme finds invalid are not compared.
     */
    Verdict check(VersionScheme scheme, List<String> candidates, List<String[]> pairs, boolean askValidity) {
        List<String> questions = new ArrayList<>();
        // "0" is OSV's sentinel, valid by contract whatever the ecosystem says
        candidates = candidates.stream()
                .filter(v -> !v.equals(ParsedVersionScheme.OSV_ZERO))
                .toList();
        if (askValidity) {
            candidates.forEach(v -> questions.add("V\t" + v));
        }
        List<String[]> compared = new ArrayList<>();
        for (String[] p : pairs) {
            if (scheme.isValid(p[0]) && scheme.isValid(p[1])) {
                compared.add(p);
                questions.add("C\t" + p[0] + "\t" + p[1]);
            }
        }
        List<String> answers = ask(questions);
        List<String> disagreements = new ArrayList<>();
        int i = 0;
        if (askValidity) {
            for (String v : candidates) {
                boolean oracleValid = answers.get(i++).equals("valid");
                if (oracleValid != scheme.isValid(v)) {
                    disagreements.add("'" + v + "': " + description + " says " + (oracleValid ? "valid" : "invalid"));
                }
            }
        }
        for (String[] p : compared) {
            String answer = answers.get(i++);
            int ours = Integer.signum(scheme.compare(p[0], p[1]));
            if (!answer.equals(Integer.toString(ours))) {
                disagreements.add(
                        "compare('" + p[0] + "', '" + p[1] + "'): ours " + ours + ", " + description + " " + answer);
            }
        }
        System.out.printf(
                "%s vs %s: %d validity questions, %d comparisons, %d disagreements%n",
                scheme.name(), description, askValidity ? candidates.size() : 0, compared.size(), disagreements.size());
        assertThat(disagreements)
                .as(
                        "disagreements with %s (%d shown of %d)",
                        description, Math.min(30, disagreements.size()), disagreements.size())
                .isEmpty();
        return new Verdict(askValidity ? candidates.size() : 0, compared.size(), disagreements);
    }

    /** Runs the oracle once with all {@code questions} on stdin; one answer line per question. */
    List<String> ask(List<String> questions) {
        try {
            Path errors = java.nio.file.Files.createTempFile("oracle", ".err");
            var builder = new ProcessBuilder(command).redirectError(errors.toFile());
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            builder.environment().put("PYTHONIOENCODING", "utf-8");
            Process process = builder.start();
            var writer = CompletableFuture.runAsync(() -> {
                try (Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
                    for (String q : questions) {
                        w.write(q);
                        w.write('\n');
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(description + " stopped reading its input", e);
                }
            });
            List<String> answers = new ArrayList<>(questions.size());
            try (var reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (!line.isBlank()) { // rpm --eval ends its output with an empty line
                        answers.add(line.trim());
                    }
                }
            }
            boolean writeFailed = writer.handle((ok, e) -> e != null).join();
            boolean finished = process.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String stderr = java.nio.file.Files.readString(errors);
            java.nio.file.Files.delete(errors);
            if (!finished || process.exitValue() != 0 || writeFailed) {
                fail(description + " failed (" + (finished ? "exit " + process.exitValue() : "timeout") + "): "
                        + stderr.substring(Math.max(0, stderr.length() - 3000)));
            }
            assertThat(answers)
                    .as(description + " answers one line per question")
                    .hasSize(questions.size());
            return answers;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
