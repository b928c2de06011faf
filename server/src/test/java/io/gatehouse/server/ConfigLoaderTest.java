package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheEmbeddedSetup() {
        GatehouseConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(c.server().listen()).isEqualTo("127.0.0.1:5000");
        assertThat(c.dataDir()).isEqualTo("./data");
        assertThat(c.storage().type()).isEqualTo("filesystem");
        assertThat(c.database().url()).isEmpty();
        assertThat(c.limits().maxManifestBytes()).isEqualTo(4 * 1024 * 1024);
    }

    @Test
    void fileThenEnvironmentThenFlags() throws Exception {
        Path file = dir.resolve("g.yaml");
        Files.writeString(
                file,
                "server:\n  listen: 0.0.0.0:6000\nstorage:\n  type: s3\n  s3:\n    bucket: from-file\n    accessKey: file-key\n");
        var c = ConfigLoader.load(
                file,
                Map.of("GATEHOUSE_STORAGE_S3_BUCKET", "from-env", "GATEHOUSE_DATABASE_MAX_POOL_SIZE", "4"),
                Map.of("server.listen", "127.0.0.1:7000"));
        assertThat(c.server().listen()).isEqualTo("127.0.0.1:7000");
        assertThat(c.storage().s3().bucket()).isEqualTo("from-env");
        assertThat(c.storage().s3().accessKey()).isEqualTo("file-key");
        assertThat(c.database().maxPoolSize()).isEqualTo(4);
    }

    @Test
    void environmentNamesFollowThePath() {
        assertThat(ConfigLoader.envName("storage.s3.accessKey")).isEqualTo("GATEHOUSE_STORAGE_S3_ACCESS_KEY");
        assertThat(ConfigLoader.envName("server.listen")).isEqualTo("GATEHOUSE_SERVER_LISTEN");
        assertThat(ConfigLoader.envName("limits.maxManifestBytes")).isEqualTo("GATEHOUSE_LIMITS_MAX_MANIFEST_BYTES");
    }

    @Test
    void errorsNameTheSetting() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.listen", "localhost")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.listen");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_DATABASE_MAX_POOL_SIZE", "many"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.maxPoolSize");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_AUTH_TOKEN_TTL", "5 minutes"), Map.of()))
                .hasMessageContaining("auth.tokenTtl");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_STORAGE_TYPE", "tape"), Map.of()))
                .hasMessageContaining("storage.type");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_STORAGE_TYPE", "s3"), Map.of()))
                .hasMessageContaining("storage.s3.bucket");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.tls.cert", "/nonexistent.pem")))
                .hasMessageContaining("server.tls");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_DATABASE_URL", "jdbc:mysql://x"), Map.of()))
                .hasMessageContaining("database.url");
    }

    @Test
    void protectionDefaultsAndOverrides() throws Exception {
        var defaults = ConfigLoader.load(null, Map.of(), Map.of()).auth().protection();
        assertThat(defaults).isEqualTo(new GatehouseConfig.Protection("24h", 10, "5m", 50, "5m"));

        Path file = dir.resolve("protection.yaml");
        Files.writeString(file, "auth:\n  protection:\n    signingKeyRotation: 6h\n    accountFailures: 5\n");
        var c = ConfigLoader.load(
                file,
                Map.of("GATEHOUSE_AUTH_PROTECTION_ADDRESS_FAILURES", "0"),
                Map.of("auth.protection.accountWindow", "1m"));
        assertThat(c.auth().protection()).isEqualTo(new GatehouseConfig.Protection("6h", 5, "1m", 0, "5m"));
    }

    @Test
    void badProtectionSettingsAreNamed() {
        for (var bad : Map.of(
                        "auth.protection.signingKeyRotation", "30s",
                        "auth.protection.accountWindow", "0s",
                        "auth.protection.addressWindow", "soon",
                        "auth.protection.accountFailures", "-1",
                        "auth.protection.addressFailures", "lots")
                .entrySet()) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of(bad.getKey(), bad.getValue())))
                    .as(bad.toString())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad.getKey());
        }
    }

    @Test
    void unknownSettingsInTheFileAreRefused() throws Exception {
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, "server:\n  lisen: 0.0.0.0:6000\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of())).hasMessageContaining("server.lisen");
        Files.writeString(file, "server: [1, 2]\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of())).hasMessageContaining("server");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of(), Map.of()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void secretsAreNotInToString() {
        var c = ConfigLoader.load(
                null,
                Map.of("GATEHOUSE_STORAGE_S3_SECRET_KEY", "s3cr3t", "GATEHOUSE_DATABASE_PASSWORD", "dbpass"),
                Map.of());
        assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("dbpass");
    }

    @Test
    void webhookSettingsHaveSafeDefaultsAndAreValidated() {
        var defaults = ConfigLoader.load(null, Map.of(), Map.of()).webhooks();
        assertThat(defaults.allowLoopback())
                .as("no receivers on loopback unless asked")
                .isFalse();
        assertThat(defaults.allowPrivateNetworks()).isFalse();
        assertThat(defaults.maxAttempts()).isEqualTo(10);
        var c = ConfigLoader.load(
                null,
                Map.of("GATEHOUSE_WEBHOOKS_ALLOW_LOOPBACK", "true", "GATEHOUSE_WEBHOOKS_MAX_ATTEMPTS", "3"),
                Map.of());
        assertThat(c.webhooks().allowLoopback()).isTrue();
        assertThat(c.webhooks().maxAttempts()).isEqualTo(3);
        for (var bad : Map.of(
                        "webhooks.timeout", "0s",
                        "webhooks.pollInterval", "often",
                        "webhooks.maxAttempts", "0",
                        "webhooks.maxAge", "forever")
                .entrySet()) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of(bad.getKey(), bad.getValue())))
                    .as(bad.toString())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad.getKey());
        }
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, Map.of(), Map.of("webhooks.initialBackoff", "2h", "webhooks.maxBackoff", "1h")))
                .hasMessageContaining("webhooks.maxBackoff: must not be shorter than webhooks.initialBackoff");
    }

    @Test
    void federationSettingsHaveSafeDefaultsAndAreValidated() {
        var c = ConfigLoader.load(null, Map.of("GATEHOUSE_FEDERATION_KEY_CACHE_TTL", "10m"), Map.of());
        assertThat(c.federation().keyCacheTtl()).isEqualTo("10m");
        assertThat(c.federation().clockSkew()).isEqualTo("60s");
        assertThat(c.federation().fetchTimeout()).isEqualTo("5s");
        assertThatThrownBy(
                        () -> ConfigLoader.load(null, Map.of("GATEHOUSE_FEDERATION_CLOCK_SKEW", "1 minute"), Map.of()))
                .hasMessageContaining("federation.clockSkew");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_FEDERATION_FETCH_TIMEOUT", "0s"), Map.of()))
                .hasMessageContaining("federation.fetchTimeout: must be positive");
    }

    @Test
    void auditSettingsHaveSafeDefaultsAndAreValidated() {
        var c = ConfigLoader.load(null, Map.of("GATEHOUSE_AUDIT_RETENTION", "90d"), Map.of());
        assertThat(c.audit().retention()).isEqualTo("90d");
        assertThat(c.audit().checkpointEvery()).isEqualTo(1000);
        assertThat(c.audit().checkpointInterval()).isEqualTo("5m");
        assertThat(c.audit().signingKeyFile()).isEmpty();
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_AUDIT_RETENTION", "a year"), Map.of()))
                .hasMessageContaining("audit.retention");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_AUDIT_CHECKPOINT_EVERY", "0"), Map.of()))
                .hasMessageContaining("audit.checkpointEvery: must be positive");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL", "0s"), Map.of()))
                .hasMessageContaining("audit.checkpointInterval: must be positive");
    }

    @Test
    void singleSignOnIsOffByDefaultAndConfiguredUnderAuthOidc() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).auth().oidc().enabled())
                .isFalse();

        Path file = dir.resolve("sso.yaml");
        Files.writeString(
                file,
                "auth:\n  oidc:\n    issuer: https://idp.example/realms/corp\n    clientId: gatehouse\n"
                        + "    adminGroup: registry-admins\n");
        var oidc = ConfigLoader.load(file, Map.of("GATEHOUSE_AUTH_OIDC_CLIENT_SECRET", "very-secret"), Map.of())
                .auth()
                .oidc();
        assertThat(oidc.enabled()).isTrue();
        assertThat(oidc.clientSecret()).isEqualTo("very-secret");
        assertThat(oidc.usernameClaim()).isEqualTo("preferred_username");
        assertThat(oidc.groupsClaim()).isEqualTo("groups");
        assertThat(oidc.scopeList()).containsExactly("profile", "email");
        assertThat(oidc.toString()).contains("registry-admins").doesNotContain("very-secret");

        assertThatThrownBy(() ->
                        ConfigLoader.load(null, Map.of("GATEHOUSE_AUTH_OIDC_ISSUER", "https://idp.example"), Map.of()))
                .hasMessageContaining("auth.oidc.clientId");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        Map.of("GATEHOUSE_AUTH_OIDC_ISSUER", "idp.example", "GATEHOUSE_AUTH_OIDC_CLIENT_ID", "g"),
                        Map.of()))
                .hasMessageContaining("auth.oidc.issuer");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("GATEHOUSE_AUTH_OIDC_LOGIN_TIMEOUT", "soon"), Map.of()))
                .hasMessageContaining("auth.oidc.loginTimeout");
    }

    @Test
    void anomalyRulesHaveQuietDefaultsAndTheirSettingsAreValidatedByName() throws Exception {
        var defaults = ConfigLoader.load(null, Map.of(), Map.of()).anomaly();
        assertThat(defaults.offHoursPush().enabled())
                .as("needs the site's working hours")
                .isFalse();
        assertThat(GatehouseServer.anomalyRules(defaults, project -> java.util.Optional.empty()))
                .extracting(io.gatehouse.audit.anomaly.AnomalyRule::name)
                .containsExactly(
                        "pull-from-unexpected-network",
                        "pull-rate-spike",
                        "repeated-authentication-failures",
                        "mass-deletion");

        Path file = dir.resolve("anomaly.yaml");
        Files.writeString(file, """
                anomaly:
                  offHoursPush:
                    enabled: true
                    workingHours: "Mon-Fri 07:00-19:00 Europe/Berlin"
                  expectedNetworks:
                    refresh: 1m
                  pullSpike:
                    enabled: false
                """);
        var configured = ConfigLoader.load(file, Map.of("GATEHOUSE_ANOMALY_MASS_DELETION_ENABLED", "false"), Map.of());
        assertThat(GatehouseServer.anomalyRules(configured.anomaly(), project -> java.util.Optional.empty()))
                .extracting(io.gatehouse.audit.anomaly.AnomalyRule::name)
                .containsExactly(
                        "pull-from-unexpected-network",
                        "push-outside-working-hours",
                        "repeated-authentication-failures");

        var bad = Map.of(
                "anomaly.cooldown", "soon",
                "anomaly.maxKeys", "0",
                "anomaly.expectedNetworks.refresh", "0s",
                "anomaly.pullSpike.factor", "1",
                "anomaly.pullSpike.floor", "0",
                "anomaly.pullSpike.baselineHalfLife", "10s",
                "anomaly.authFailures.perAccount", "-1",
                "anomaly.massDeletion.window", "0s");
        for (var setting : bad.entrySet()) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of(setting.getKey(), setting.getValue())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(setting.getKey());
        }
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        Map.of(),
                        Map.of(
                                "anomaly.offHoursPush.enabled",
                                "true",
                                "anomaly.offHoursPush.workingHours",
                                "Mon-Fri 07:00-19:00 Berlin")))
                .hasMessageContaining("anomaly.offHoursPush.workingHours")
                .hasMessageContaining("unknown time zone 'Berlin'");
    }
}
