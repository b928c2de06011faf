package io.gatehouse.server;

import io.gatehouse.access.AdminBootstrap;
import io.gatehouse.server.cli.AdminCommands;
import io.gatehouse.server.cli.AdvisoryCommands;
import io.gatehouse.server.cli.AuditCommands;
import io.gatehouse.server.cli.LoginCommands;
import io.gatehouse.server.cli.PolicyCommands;
import io.gatehouse.server.cli.ScanLocalCommand;
import io.gatehouse.server.cli.WebhookCommands;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code gatehouse} command line. */
@Command(
        name = "gatehouse",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Gatehouse: a secure OCI artifact registry.",
        subcommands = {
            Main.Serve.class,
            AdminCommands.User.class,
            AdminCommands.Project.class,
            AdminCommands.Role.class,
            AdminCommands.Robot.class,
            AdminCommands.Keys.class,
            PolicyCommands.Deny.class,
            PolicyCommands.Repository.class,
            PolicyCommands.Group.class,
            WebhookCommands.Webhook.class,
            AuditCommands.Audit.class,
            AdvisoryCommands.Advisories.class,
            Main.Scan.class,
            LoginCommands.Login.class,
            LoginCommands.Logout.class,
            CommandLine.HelpCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main())
                .setExecutionExceptionHandler(Main::handleError)
                .execute(args));
    }

    private static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
            cmd.getErr().println("gatehouse: " + e.getMessage());
            return 2;
        }
        cmd.getErr().println("gatehouse: " + e);
        return 1;
    }

    /** TEMPORARY scan group with only {@code local}; the lead merges it with the pipeline's ScanCommands. */
    @Command(
            name = "scan",
            description = "Scan images for vulnerabilities.",
            subcommands = {ScanLocalCommand.class})
    static final class Scan {}

    @Command(name = "serve", description = "Start the registry (embedded H2 and filesystem storage by default).")
    static final class Serve implements Callable<Integer> {
        @Option(
                names = "--listen",
                paramLabel = "HOST:PORT",
                description = "Address to listen on (default 127.0.0.1:5000).")
        String listen;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description = "Where the embedded database and blobs live (default ./data).")
        Path dataDir;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
        Path config;

        @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain (PEM).")
        String tlsCert;

        @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS private key (PEM).")
        String tlsKey;

        @Override
        public Integer call() throws Exception {
            Map<String, String> flags = new LinkedHashMap<>();
            if (listen != null) {
                flags.put("server.listen", listen);
            }
            if (dataDir != null) {
                flags.put("dataDir", dataDir.toString());
            }
            if (tlsCert != null) {
                flags.put("server.tls.cert", tlsCert);
            }
            if (tlsKey != null) {
                flags.put("server.tls.key", tlsKey);
            }
            GatehouseConfig cfg = ConfigLoader.load(config, System.getenv(), flags);
            var server = new GatehouseServer(cfg);
            try {
                FirstStart.ensureAdmin(
                                server.metadata(), Path.of(cfg.dataDir()), System.getenv(AdminBootstrap.PASSWORD_ENV))
                        .ifPresent(generated ->
                                // Printed once, on stdout only (never through the logger): the operator's only copy
                                // besides the 0600 file.
                                System.out.println(
                                        "Created user 'admin' with generated password: " + generated.password()
                                                + "\n(also written to " + generated.passwordFile() + ", mode 0600)"));
                server.start();
            } catch (Exception e) {
                server.close();
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gatehouse-shutdown"));
            server.join();
            return 0;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"gatehouse " + (v == null ? "dev" : v)};
        }
    }
}
