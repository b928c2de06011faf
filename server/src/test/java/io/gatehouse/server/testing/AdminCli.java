package io.gatehouse.server.testing;

import io.gatehouse.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code gatehouse ARGS} in-process against a test server as its admin, capturing what it prints. */
public final class AdminCli {
    private AdminCli() {}

    /** One run: the exit code and what went to standard output and standard error. */
    public record Run(int exit, String out, String err) {}

    public static Run run(TestServer server, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--server",
                server.baseUri().toString(),
                "--username",
                "admin",
                "--password",
                TestServer.ADMIN_PASSWORD));
        var out = new StringWriter();
        var err = new StringWriter();
        var cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return new Run(cmd.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }
}
