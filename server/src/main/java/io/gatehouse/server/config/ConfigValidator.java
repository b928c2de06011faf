package io.gatehouse.server.config;

import io.gatehouse.audit.anomaly.WorkingHours;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/** Checks a configuration as a whole before anything starts; each message names the setting. */
public final class ConfigValidator {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private ConfigValidator() {}

    public static void validate(GatehouseConfig c) {
        listenAddress(c.server().listen());
        duration("server.shutdownTimeout", c.server().shutdownTimeout());
        duration("auth.tokenTtl", c.auth().tokenTtl());
        var protection = c.auth().protection();
        require(
                duration("auth.protection.signingKeyRotation", protection.signingKeyRotation())
                                .compareTo(Duration.ofMinutes(1))
                        >= 0,
                "auth.protection.signingKeyRotation",
                "must be at least 1m");
        require(protection.accountFailures() >= 0, "auth.protection.accountFailures", "must not be negative");
        require(protection.addressFailures() >= 0, "auth.protection.addressFailures", "must not be negative");
        require(
                duration("auth.protection.accountWindow", protection.accountWindow())
                                .toMillis()
                        > 0,
                "auth.protection.accountWindow",
                "must be positive");
        require(
                duration("auth.protection.addressWindow", protection.addressWindow())
                                .toMillis()
                        > 0,
                "auth.protection.addressWindow",
                "must be positive");
        duration("federation.clockSkew", c.federation().clockSkew());
        require(
                duration("federation.keyCacheTtl", c.federation().keyCacheTtl()).isPositive(),
                "federation.keyCacheTtl",
                "must be positive");
        require(
                duration("federation.fetchTimeout", c.federation().fetchTimeout())
                        .isPositive(),
                "federation.fetchTimeout",
                "must be positive");
        var webhooks = c.webhooks();
        for (var setting : java.util.Map.of(
                        "webhooks.timeout", webhooks.timeout(),
                        "webhooks.pollInterval", webhooks.pollInterval(),
                        "webhooks.initialBackoff", webhooks.initialBackoff(),
                        "webhooks.maxBackoff", webhooks.maxBackoff(),
                        "webhooks.maxAge", webhooks.maxAge())
                .entrySet()) {
            require(duration(setting.getKey(), setting.getValue()).isPositive(), setting.getKey(), "must be positive");
        }
        require(
                duration("webhooks.maxBackoff", webhooks.maxBackoff())
                                .compareTo(duration("webhooks.initialBackoff", webhooks.initialBackoff()))
                        >= 0,
                "webhooks.maxBackoff",
                "must not be shorter than webhooks.initialBackoff");
        require(
                webhooks.maxAttempts() >= 1 && webhooks.maxAttempts() <= 100,
                "webhooks.maxAttempts",
                "must be between 1 and 100");
        require(c.audit().checkpointEvery() > 0, "audit.checkpointEvery", "must be positive");
        require(
                duration("audit.checkpointInterval", c.audit().checkpointInterval())
                        .isPositive(),
                "audit.checkpointInterval",
                "must be positive");
        require(duration("audit.retention", c.audit().retention()).isPositive(), "audit.retention", "must be positive");
        require(
                duration("scan.advisories.maxAge", c.scan().advisories().maxAge())
                        .isPositive(),
                "scan.advisories.maxAge",
                "must be positive");
        require(c.scan().advisories().maxUploadBytes() > 0, "scan.advisories.maxUploadBytes", "must be positive");
        require(c.scan().workers() >= 0, "scan.workers", "must not be negative");
        require(
                duration("scan.pollInterval", c.scan().pollInterval()).isPositive(),
                "scan.pollInterval",
                "must be positive");
        require(duration("scan.lease", c.scan().lease()).isPositive(), "scan.lease", "must be positive");
        require(c.scan().rematchBatch() > 0, "scan.rematchBatch", "must be positive");
        require(c.scan().maxAttempts() > 0, "scan.maxAttempts", "must be positive");
        var x = c.scan().extraction();
        require(
                x.maxUncompressedBytes() > 0
                        && x.maxEntries() > 0
                        && x.maxPathLength() > 0
                        && x.maxCompressionRatio() > 0
                        && x.maxFileBytes() > 0
                        && x.maxNestingDepth() >= 0,
                "scan.extraction",
                "limits must be positive");
        require(
                !duration("pullPolicy.cacheTtl", c.pullPolicy().cacheTtl()).isNegative(),
                "pullPolicy.cacheTtl",
                "must not be negative");
        var export = c.audit().export();
        require(
                duration("audit.export.interval", export.interval()).isPositive(),
                "audit.export.interval",
                "must be positive");
        require(
                !duration("audit.export.grace", export.grace()).isNegative(),
                "audit.export.grace",
                "must not be negative");
        require(
                export.maxRecords() >= 1 && export.maxRecords() <= 100_000,
                "audit.export.maxRecords",
                "must be between 1 and 100000");
        if (export.enabled()) {
            require(!export.s3().region().isBlank(), "audit.export.s3.region", "is required with an export bucket");
            require(
                    export.s3().accessKey().isBlank() == export.s3().secretKey().isBlank(),
                    "audit.export.s3",
                    "set both accessKey and secretKey, or neither (AWS default credentials)");
        }
        try {
            c.server().trustedProxyNetworks();
        } catch (io.gatehouse.core.error.Invalid e) {
            throw new ConfigException("invalid configuration: server.trustedProxies: " + e.getMessage());
        }
        require(!c.dataDir().isBlank(), "dataDir", "must not be empty");
        var tls = c.server().tls();
        require(tls.cert().isEmpty() == tls.key().isEmpty(), "server.tls", "set both cert and key, or neither");
        if (!tls.cert().isEmpty()) {
            require(Files.isReadable(Path.of(tls.cert())), "server.tls.cert", "cannot read " + tls.cert());
            require(Files.isReadable(Path.of(tls.key())), "server.tls.key", "cannot read " + tls.key());
        }
        switch (c.storage().type()) {
            case "filesystem" -> {}
            case "s3" -> {
                require(
                        !c.storage().s3().bucket().isBlank(),
                        "storage.s3.bucket",
                        "is required when storage.type is s3");
                require(
                        !c.storage().s3().region().isBlank(),
                        "storage.s3.region",
                        "is required when storage.type is s3");
            }
            default ->
                throw new ConfigException("invalid configuration: storage.type: expected filesystem or s3, got '"
                        + c.storage().type() + "'");
        }
        String url = c.database().url();
        require(
                url.isEmpty() || url.startsWith("jdbc:h2:") || url.startsWith("jdbc:postgresql:"),
                "database.url",
                "expected a jdbc:h2: or jdbc:postgresql: URL");
        require(c.database().maxPoolSize() > 0, "database.maxPoolSize", "must be positive");
        require(c.limits().maxManifestBytes() > 0, "limits.maxManifestBytes", "must be positive");
        require(c.limits().maxBlobBytes() > 0, "limits.maxBlobBytes", "must be positive");
        require(!c.auth().service().isBlank(), "auth.service", "must not be empty");
        validateOidc(c.auth().oidc());
        validateAnomaly(c.anomaly());
    }

    private static void validateAnomaly(GatehouseConfig.Anomaly a) {
        require(duration("anomaly.cooldown", a.cooldown()).isPositive(), "anomaly.cooldown", "must be positive");
        require(a.maxKeys() > 0, "anomaly.maxKeys", "must be positive");
        require(
                duration(
                                "anomaly.expectedNetworks.refresh",
                                a.expectedNetworks().refresh())
                        .isPositive(),
                "anomaly.expectedNetworks.refresh",
                "must be positive");
        if (a.offHoursPush().enabled()) {
            try {
                WorkingHours.parse(a.offHoursPush().workingHours());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        "invalid configuration: anomaly.offHoursPush.workingHours: " + e.getMessage());
            }
        }
        var spike = a.pullSpike();
        require(
                duration("anomaly.pullSpike.window", spike.window()).toMillis() >= 1000,
                "anomaly.pullSpike.window",
                "must be at least 1s");
        require(spike.factor() > 1, "anomaly.pullSpike.factor", "must be more than 1");
        require(spike.floor() >= 1, "anomaly.pullSpike.floor", "must be at least 1");
        require(
                duration("anomaly.pullSpike.baselineHalfLife", spike.baselineHalfLife())
                                .compareTo(duration("anomaly.pullSpike.window", spike.window()))
                        >= 0,
                "anomaly.pullSpike.baselineHalfLife",
                "must be at least anomaly.pullSpike.window");
        var failures = a.authFailures();
        require(failures.perAccount() >= 0, "anomaly.authFailures.perAccount", "must not be negative (0: off)");
        require(failures.perAddress() >= 0, "anomaly.authFailures.perAddress", "must not be negative (0: off)");
        require(
                duration("anomaly.authFailures.window", failures.window()).isPositive(),
                "anomaly.authFailures.window",
                "must be positive");
        var deletions = a.massDeletion();
        require(deletions.perPrincipal() >= 0, "anomaly.massDeletion.perPrincipal", "must not be negative (0: off)");
        require(deletions.perProject() >= 0, "anomaly.massDeletion.perProject", "must not be negative (0: off)");
        require(
                duration("anomaly.massDeletion.window", deletions.window()).isPositive(),
                "anomaly.massDeletion.window",
                "must be positive");
    }

    private static void validateOidc(GatehouseConfig.Oidc oidc) {
        duration("auth.oidc.loginTimeout", oidc.loginTimeout());
        if (!oidc.enabled()) {
            return;
        }
        require(isHttpUrl(oidc.issuer()), "auth.oidc.issuer", "expected an http(s) URL, got '" + oidc.issuer() + "'");
        require(!oidc.clientId().isBlank(), "auth.oidc.clientId", "is required when auth.oidc.issuer is set");
        require(
                oidc.redirectUrl().isEmpty() || isHttpUrl(oidc.redirectUrl()),
                "auth.oidc.redirectUrl",
                "expected an http(s) URL, got '" + oidc.redirectUrl() + "'");
        require(!oidc.usernameClaim().isBlank(), "auth.oidc.usernameClaim", "must not be empty");
        require(!oidc.groupsClaim().isBlank(), "auth.oidc.groupsClaim", "must not be empty");
    }

    private static boolean isHttpUrl(String value) {
        try {
            var uri = new java.net.URI(value);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && uri.getRawQuery() == null
                    && uri.getRawFragment() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** Parses {@code HOST:PORT} (IPv6 hosts in brackets). */
    public static HostPort listenAddress(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("invalid configuration: server.listen: expected HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(host, port);
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    "invalid configuration: server.listen: port must be 0-65535, got '" + value + "'");
        }
    }

    public record HostPort(String host, int port) {}

    public static Duration duration(String setting, String value) {
        var m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new ConfigException("invalid configuration: " + setting
                    + ": expected a duration like 30s, 5m or 1h, got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static void require(boolean ok, String setting, String message) {
        if (!ok) {
            throw new ConfigException("invalid configuration: " + setting + ": " + message);
        }
    }
}
