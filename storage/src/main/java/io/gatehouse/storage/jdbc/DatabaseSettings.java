package io.gatehouse.storage.jdbc;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the metadata database is and how to connect to it.
 *
 * @param jdbcUrl {@code jdbc:h2:...} (embedded, the default) or {@code jdbc:postgresql://...}
 * @param username empty to let the URL (or the driver's default) decide
 * @param password never shown by {@link #toString()}; empty for none
 * @param maxPoolSize connections in the pool (Hikari keeps the pool at this fixed size)
 * @param schema the schema holding the tables (created by the migration if absent); empty for the connection's
 *     default ({@code public} on PostgreSQL, {@code PUBLIC} on H2)
 */
public record DatabaseSettings(
        String jdbcUrl, String username, String password, int maxPoolSize, Optional<String> schema) {

    /** Pool size for the embedded database: enough for a busy node, small enough for one file. */
    public static final int DEFAULT_POOL_SIZE = 16;

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

    public DatabaseSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "unsupported database URL (jdbc:h2: or jdbc:postgresql: expected): " + redact(jdbcUrl));
        }
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (maxPoolSize < 1 || maxPoolSize > 1000) {
            throw new IllegalArgumentException("maxPoolSize must be between 1 and 1000, was " + maxPoolSize);
        }
        schema = schema == null ? Optional.empty() : schema;
        schema.ifPresent(s -> {
            if (!SCHEMA.matcher(s).matches()) {
                throw new IllegalArgumentException("schema must match " + SCHEMA.pattern() + ", was " + s);
            }
        });
    }

    /**
     * The embedded default: an H2 file database at {@code dataDir/db/gatehouse} (file {@code gatehouse.mv.db}).
     * The URL options are those {@link JdbcMetadataStore} requires on H2; see its class comment.
     */
    public static DatabaseSettings h2(Path dataDir) {
        String base = dataDir.toAbsolutePath()
                .normalize()
                .resolve("db")
                .resolve("gatehouse")
                .toString();
        if (base.indexOf(';') >= 0) {
            throw new IllegalArgumentException("data directory must not contain ';': " + base);
        }
        return new DatabaseSettings(
                JdbcMetadataStore.withRequiredH2Options("jdbc:h2:file:" + base),
                "gatehouse",
                "",
                DEFAULT_POOL_SIZE,
                Optional.empty());
    }

    /** A PostgreSQL database; credentials may also be given in the URL. */
    public static DatabaseSettings postgres(String jdbcUrl, String username, String password) {
        return new DatabaseSettings(jdbcUrl, username, password, DEFAULT_POOL_SIZE, Optional.empty());
    }

    public DatabaseSettings withMaxPoolSize(int size) {
        return new DatabaseSettings(jdbcUrl, username, password, size, schema);
    }

    public DatabaseSettings withSchema(String name) {
        return new DatabaseSettings(jdbcUrl, username, password, maxPoolSize, Optional.of(name));
    }

    boolean isH2() {
        return jdbcUrl.startsWith("jdbc:h2:");
    }

    boolean isH2InMemory() {
        return jdbcUrl.startsWith("jdbc:h2:mem:");
    }

    /** The URL with any {@code password=} parameter masked, for logs and messages. */
    public String redactedUrl() {
        return redact(jdbcUrl);
    }

    private static String redact(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[jdbcUrl="
                + redactedUrl()
                + ", username="
                + username
                + ", password="
                + (password.isEmpty() ? "" : "***")
                + ", maxPoolSize="
                + maxPoolSize
                + ", schema="
                + schema.orElse("(default)")
                + "]";
    }
}
