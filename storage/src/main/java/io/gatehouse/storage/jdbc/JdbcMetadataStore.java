package io.gatehouse.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gatehouse.core.access.policy.AccessStore;
import io.gatehouse.core.audit.AuditStore;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.store.AdvisoryStore;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.ScanPolicyStore;
import io.gatehouse.core.store.ScanStore;
import io.gatehouse.core.store.SingleSignOnStore;
import io.gatehouse.core.store.WebhookStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata store over JDBC (Jdbi, HikariCP, Flyway): embedded H2 by default, PostgreSQL for clusters, one
 * schema ({@code db/migration}) for both. Migrations run when the store opens.
 *
 * <h2>Durability: a write method returns only once its transaction is on disk</h2>
 *
 * <p><b>PostgreSQL</b> is durable at commit when {@code synchronous_commit} is on (the server's default): the
 * commit record is flushed to the WAL before COMMIT returns, and the server already batches concurrent flushes.
 * Sessions that find it {@code off} switch it on for themselves; {@code fsync=off} on the server cannot be fixed
 * from here and is reported by {@link #durabilityMode()} and logged as a warning.
 *
 * <p><b>H2 2.3 (MVStore)</b> is not durable at commit, whatever its settings. From the 2.3.232 classes:
 * a commit ({@code TransactionStore.commit}) only changes in-memory maps. With the default {@code WRITE_DELAY}
 * (500 ms) a background thread stores changed pages as a new chunk at most every 500 ms, serialising and
 * writing it asynchronously on two executor threads ({@code FileStore.storeIt} with {@code syncWrite=false}),
 * so a killed process loses up to half a second of acknowledged commits. With {@code WRITE_DELAY=0} there is no
 * background thread and every transaction end stores its chunk synchronously
 * ({@code TransactionStore.endTransaction} calls {@code MVStore.commit()}), but still without fsync: H2 calls
 * {@code FileChannel.force} only from {@code MVStore.sync()}, i.e. {@code CHECKPOINT SYNC}, on clean shutdown
 * and while compacting, so a power loss can still take commits the OS had not written back. This store
 * therefore runs H2 with {@code WRITE_DELAY=0} (forced in the URL: the synchronous store-at-commit also rules
 * out a race in which a sync finds nothing unsaved while the background writer's chunk is still queued) and,
 * after each write transaction, waits in {@link DurableCommits} for a {@code CHECKPOINT SYNC}
 * ({@code Store.sync}: {@code MVStore.commit()} then {@code FileChannel.force(true)}) that started after its
 * commit. Writers that commit while a sync runs share the next one (group commit): 64 simultaneous writes
 * took 7 syncs in MetadataStoreGroupCommitTest; a lone writer pays one sync per write (about 0.3 ms on the
 * development VM, where 16 writers made ~3,500 durable writes/s on two cores, no slower than H2 defaults).
 * A reader may see a commit a few milliseconds before it is durable; its writer has not been answered yet.
 * Without the background thread H2 does no online compaction, so {@link H2Compaction} does it every second (and
 * H2 compacts for {@code MAX_COMPACT_TIME} on {@link #close()}). An in-memory H2 database ({@code jdbc:h2:mem:}) is not durable at all.
 *
 * <p>Required H2 URL options are added by {@link #withRequiredH2Options}: PostgreSQL compatibility mode with
 * lower-case identifiers (for {@code ON CONFLICT DO NOTHING} and the shared DDL), {@code DB_CLOSE_DELAY=-1} so
 * the database stays open while pooled connections come and go ({@link #close()} shuts it down), and
 * {@code WRITE_DELAY=0}. The H2 user must be an admin (the user that created the database is) because
 * {@code CHECKPOINT SYNC} requires it.
 */
public final class JdbcMetadataStore implements MetadataStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcMetadataStore.class);
    /** How often an H2 file database's sparse chunks are re-written (see {@link H2Compaction}). */
    static final java.time.Duration COMPACTION_INTERVAL = java.time.Duration.ofSeconds(1);

    /**
     * Switches synchronous commit on for sessions whose server default has it off, leaving stronger settings
     * (remote_write, remote_apply) alone.
     */
    private static final String POSTGRES_SESSION_INIT =
            "SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off'";

    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final Database database;
    private final Optional<DurableCommits> durableCommits;
    private final Optional<H2Compaction> compaction;
    private final String durabilityMode;
    private final Repositories repositories;
    private final BlobLinks blobLinks;
    private final Manifests manifests;
    private final Tags tags;
    private final UploadSessions uploads;
    private final Users users;
    private final SigningKeys signingKeys;
    private final AccessStore access;
    private final SingleSignOnStore singleSignOn;
    private final WebhookStore webhooks;
    private final AuditStore audit;
    private final AdvisoryStore advisories;
    private final ScanStore scans;
    private final ScanPolicyStore scanPolicies;

    private JdbcMetadataStore(
            DatabaseSettings settings,
            HikariDataSource dataSource,
            Jdbi jdbi,
            Optional<DurableCommits> durableCommits,
            String durabilityMode,
            Clock clock) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.durableCommits = durableCommits;
        this.compaction = settings.isH2() && !settings.isH2InMemory()
                ? Optional.of(new H2Compaction(dataSource, COMPACTION_INTERVAL))
                : Optional.empty();
        this.durabilityMode = durabilityMode;
        this.database = new Database(jdbi, durableCommits);
        this.repositories = new JdbcRepositories(database);
        this.blobLinks = new JdbcBlobLinks(database, clock);
        this.manifests = new JdbcManifests(database, clock);
        this.tags = new JdbcTags(database);
        this.uploads = new JdbcUploadSessions(database, clock);
        this.users = new JdbcUsers(database);
        this.signingKeys = new JdbcSigningKeys(database);
        this.access = new JdbcAccessStore(database, clock);
        this.singleSignOn = new JdbcSingleSignOn(database);
        this.webhooks = new JdbcWebhooks(database);
        this.audit = new JdbcAuditStore(database);
        this.advisories = new JdbcAdvisoryStore(database);
        this.scans = new JdbcScanStore(database);
        this.scanPolicies = new JdbcScanPolicies(database);
    }

    /** Opens the pool, migrates the schema and checks how commits are made durable. */
    public static JdbcMetadataStore open(DatabaseSettings settings) {
        return open(settings, Clock.systemUTC());
    }

    /** As {@link #open(DatabaseSettings)}, stamping rows (links, tags, upload progress, projects, role bindings) with {@code clock}. */
    public static JdbcMetadataStore open(DatabaseSettings settings, Clock clock) {
        if (settings.isH2()) {
            settings = new DatabaseSettings(
                    withRequiredH2Options(settings.jdbcUrl()),
                    settings.username(),
                    settings.password(),
                    settings.maxPoolSize(),
                    settings.schema());
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(hikariConfig(settings));
        } catch (RuntimeException e) {
            throw new Unavailable("cannot connect to the metadata database " + settings.redactedUrl(), e);
        }
        try {
            migrate(settings, dataSource);
            Jdbi jdbi = Jdbi.create(dataSource);
            Optional<DurableCommits> durableCommits = Optional.empty();
            String mode;
            if (settings.isH2InMemory()) {
                mode = "h2 in-memory: not durable";
            } else if (settings.isH2()) {
                durableCommits =
                        Optional.of(new DurableCommits(() -> jdbi.useHandle(h -> h.execute("CHECKPOINT SYNC"))));
                mode = "h2 file: WRITE_DELAY=0, group commit with CHECKPOINT SYNC (fsync) before each write returns";
            } else {
                mode = postgresDurability(jdbi);
            }
            log.info("metadata store {} open; durability: {}", settings, mode);
            return new JdbcMetadataStore(settings, dataSource, jdbi, durableCommits, mode, clock);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariConfig hikariConfig(DatabaseSettings settings) {
        var config = new HikariConfig();
        config.setPoolName("gatehouse-metadata");
        config.setJdbcUrl(settings.jdbcUrl());
        if (!settings.username().isEmpty()) {
            config.setUsername(settings.username());
        }
        if (!settings.password().isEmpty() || !settings.username().isEmpty()) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setConnectionTimeout(10_000);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        settings.schema().ifPresent(config::setSchema);
        if (!settings.isH2()) {
            config.setConnectionInitSql(POSTGRES_SESSION_INIT);
        }
        return config;
    }

    private static void migrate(DatabaseSettings settings, HikariDataSource dataSource) {
        var flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of("name_order", settings.isH2() ? "" : "COLLATE \"C\""))
                .failOnMissingLocations(true);
        settings.schema().ifPresent(s -> flyway.schemas(s).defaultSchema(s));
        try {
            flyway.load().migrate();
        } catch (RuntimeException e) {
            throw new Unavailable("cannot migrate the metadata database " + settings.redactedUrl(), e);
        }
    }

    private static String postgresDurability(Jdbi jdbi) {
        return jdbi.withHandle(h -> {
            String synchronousCommit =
                    h.createQuery("SHOW synchronous_commit").mapTo(String.class).one();
            String fsync = h.createQuery("SHOW fsync").mapTo(String.class).one();
            String mode = "postgresql: synchronous_commit=" + synchronousCommit + ", fsync=" + fsync;
            if (!"on".equalsIgnoreCase(fsync)) {
                log.warn("PostgreSQL runs with fsync={}: acknowledged writes can be lost in a crash", fsync);
                return mode + " (NOT durable)";
            }
            return mode;
        });
    }

    /**
     * The H2 URL with the options this store relies on: {@code WRITE_DELAY=0} always (see the class comment),
     * and {@code MODE=PostgreSQL}, {@code DATABASE_TO_LOWER=TRUE}, {@code DEFAULT_NULL_ORDERING=HIGH},
     * {@code DB_CLOSE_DELAY=-1}, {@code LOCK_TIMEOUT=10000} unless the URL sets them.
     */
    static String withRequiredH2Options(String url) {
        int semicolon = url.indexOf(';');
        String base = semicolon < 0 ? url : url.substring(0, semicolon);
        Map<String, String> options = new LinkedHashMap<>();
        if (semicolon >= 0) {
            for (String option : url.substring(semicolon + 1).split(";")) {
                if (option.isBlank()) {
                    continue;
                }
                int eq = option.indexOf('=');
                String key = (eq < 0 ? option : option.substring(0, eq)).trim().toUpperCase(Locale.ROOT);
                options.put(key, eq < 0 ? "" : option.substring(eq + 1));
            }
        }
        options.putIfAbsent("MODE", "PostgreSQL");
        options.putIfAbsent("DATABASE_TO_LOWER", "TRUE");
        options.putIfAbsent("DEFAULT_NULL_ORDERING", "HIGH");
        options.putIfAbsent("DB_CLOSE_DELAY", "-1");
        options.putIfAbsent("LOCK_TIMEOUT", "10000");
        if (!base.startsWith("jdbc:h2:mem:")) {
            options.put("WRITE_DELAY", "0");
        }
        var result = new StringBuilder(base);
        options.forEach(
                (key, value) -> result.append(';').append(key).append('=').append(value));
        return result.toString();
    }

    /** How commits are made durable, for logs and beside benchmark figures. */
    public String durabilityMode() {
        return durabilityMode;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** The group-commit gate (H2 file databases only). */
    Optional<DurableCommits> durableCommits() {
        return durableCommits;
    }

    Jdbi jdbi() {
        return database.jdbi();
    }

    @Override
    public Repositories repositories() {
        return repositories;
    }

    @Override
    public BlobLinks blobLinks() {
        return blobLinks;
    }

    @Override
    public Manifests manifests() {
        return manifests;
    }

    @Override
    public Tags tags() {
        return tags;
    }

    @Override
    public UploadSessions uploads() {
        return uploads;
    }

    @Override
    public Users users() {
        return users;
    }

    @Override
    public SigningKeys signingKeys() {
        return signingKeys;
    }

    @Override
    public AccessStore access() {
        return access;
    }

    @Override
    public SingleSignOnStore singleSignOn() {
        return singleSignOn;
    }

    @Override
    public WebhookStore webhooks() {
        return webhooks;
    }

    @Override
    public AuditStore audit() {
        return audit;
    }

    @Override
    public AdvisoryStore advisories() {
        return advisories;
    }

    @Override
    public ScanStore scans() {
        return scans;
    }

    @Override
    public ScanPolicyStore scanPolicies() {
        return scanPolicies;
    }

    @Override
    public boolean isHealthy() {
        try {
            return database.read(
                            h -> h.createQuery("SELECT 1").mapTo(Integer.class).one())
                    == 1;
        } catch (RuntimeException e) {
            log.debug("metadata store health check failed", e);
            return false;
        }
    }

    /**
     * Closes the pool; for H2 then shuts the database down cleanly (a final store, compaction for up to
     * {@code MAX_COMPACT_TIME}, fsync), so the next open needs no recovery.
     */
    @Override
    public void close() {
        if (dataSource.isClosed()) {
            return;
        }
        compaction.ifPresent(H2Compaction::close);
        dataSource.close();
        if (settings.isH2()) {
            try (Connection c =
                            DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password());
                    Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                log.warn("H2 shutdown failed; the next open will recover from the last synced state", e);
            }
        }
    }
}
