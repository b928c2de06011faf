package io.gatehouse.server.config;

/**
 * Every setting, as one typed tree. Read from YAML (see {@link ConfigLoader}); each leaf can be overridden by
 * an environment variable named after its path, e.g. {@code server.listen} → {@code GATEHOUSE_SERVER_LISTEN},
 * {@code storage.s3.accessKey} → {@code GATEHOUSE_STORAGE_S3_ACCESS_KEY}.
 */
public record GatehouseConfig(
        String dataDir,
        Server server,
        Storage storage,
        Database database,
        Auth auth,
        Limits limits,
        Federation federation,
        Webhooks webhooks,
        Anomaly anomaly,
        Audit audit,
        Scan scan,
        PullPolicy pullPolicy) {

    public static GatehouseConfig defaults() {
        return new GatehouseConfig(
                "./data",
                new Server("127.0.0.1:5000", "", new Tls("", ""), "30s", ""),
                new Storage("filesystem", new Filesystem(""), new S3("", "us-east-1", "", "", "", "", true)),
                new Database("", "", "", "", 16),
                new Auth(
                        "gatehouse",
                        "gatehouse",
                        "5m",
                        Protection.defaults(),
                        new Oidc("", "", "", "", "preferred_username", "groups", "", "profile,email", "10m")),
                new Limits(4 * 1024 * 1024, 64L * 1024 * 1024 * 1024),
                new Federation("60s", "5m", "5s", false),
                new Webhooks(false, false, "10s", "5s", "10s", "1h", 10, "24h"),
                Anomaly.defaults(),
                new Audit(
                        "",
                        1000,
                        "5m",
                        "365d",
                        new AuditExport(new S3("", "us-east-1", "", "", "", "", true), "1h", "1m", true, 50_000)),
                new Scan(
                        new Advisories("48h", 4L * 1024 * 1024 * 1024),
                        2,
                        "1s",
                        "10m",
                        200,
                        3,
                        new Extraction(16L << 30, 2_000_000, 4096, 200, 64L << 20, 4)),
                new PullPolicy("5s"));
    }

    /**
     * @param listen HOST:PORT to bind
     * @param publicUrl the URL clients reach this server at (for the token realm); empty: from each request's Host
     * @param shutdownTimeout how long in-flight requests (uploads) may take to finish on shutdown
     * @param trustedProxies comma-separated CIDRs whose X-Forwarded-For is believed; empty: none
     */
    public record Server(String listen, String publicUrl, Tls tls, String shutdownTimeout, String trustedProxies) {
        public java.util.List<io.gatehouse.core.model.Cidr> trustedProxyNetworks() {
            return java.util.Arrays.stream(trustedProxies.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .map(io.gatehouse.core.model.Cidr::parse)
                    .toList();
        }
    }

    /** PEM certificate (chain) and private key; both empty means plain HTTP. */
    public record Tls(String cert, String key) {}

    /** @param type {@code filesystem} or {@code s3} */
    public record Storage(String type, Filesystem filesystem, S3 s3) {}

    /** @param path where blobs live; empty: {@code dataDir/storage} */
    public record Filesystem(String path) {}

    public record S3(
            String endpoint,
            String region,
            String bucket,
            String prefix,
            String accessKey,
            String secretKey,
            boolean pathStyle) {
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + ", prefix=" + prefix + "]";
        }
    }

    /**
     * @param url JDBC URL; empty: embedded H2 under {@code dataDir/db}
     * @param schema the schema to use; empty: the database's default
     */
    public record Database(String url, String username, String password, String schema, int maxPoolSize) {
        @Override
        public String toString() {
            return "Database[url=" + url + ", username=" + username + ", schema=" + schema + ", maxPoolSize="
                    + maxPoolSize + "]";
        }
    }

    /**
     * @param service the {@code service} of Bearer challenges and the audience of tokens
     * @param issuer the {@code iss} of tokens
     * @param tokenTtl lifetime of registry tokens, e.g. {@code 5m}
     * @param protection signing-key rotation and failed-login limits
     * @param oidc single sign-on through an OpenID Connect provider (off while its issuer is empty)
     */
    public record Auth(String service, String issuer, String tokenTtl, Protection protection, Oidc oidc) {}

    /**
     * @param signingKeyRotation how old the token signing key may get before a new one replaces it; older
     *     keys keep verifying until their tokens have expired
     * @param accountFailures failed logins allowed per account name within {@code accountWindow}; 0: no limit
     * @param accountWindow how long an account's failures count (keep it short: strangers can lock an account)
     * @param addressFailures failed logins allowed per client address within {@code addressWindow}; 0: no limit
     * @param addressWindow how long an address's failures count
     */
    public record Protection(
            String signingKeyRotation,
            int accountFailures,
            String accountWindow,
            int addressFailures,
            String addressWindow) {
        public static Protection defaults() {
            return new Protection("24h", 10, "5m", 50, "5m");
        }
    }

    /**
     * @param issuer the provider's issuer URL; empty: single sign-on is off (the default)
     * @param clientId this registry's client id at the provider
     * @param clientSecret its client secret; empty for a public client (PKCE only). Never printed.
     * @param redirectUrl the callback URL registered at the provider; empty: {@code server.publicUrl} (or the
     *     request's own URL) + {@code /api/v1/auth/oidc/callback}
     * @param usernameClaim the ID-token claim naming the local user
     * @param groupsClaim the ID-token claim listing the user's groups (they replace its group memberships)
     * @param adminGroup members of this group are system admins; empty: none
     * @param scopes comma-separated scopes to request besides {@code openid}
     * @param loginTimeout how long a login may take at the provider, e.g. {@code 10m}
     */
    public record Oidc(
            String issuer,
            String clientId,
            String clientSecret,
            String redirectUrl,
            String usernameClaim,
            String groupsClaim,
            String adminGroup,
            String scopes,
            String loginTimeout) {
        public boolean enabled() {
            return !issuer.isBlank();
        }

        public java.util.List<String> scopeList() {
            return java.util.Arrays.stream(scopes.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty() && !s.equals("openid"))
                    .toList();
        }

        @Override
        public String toString() {
            return "Oidc[issuer=" + issuer + ", clientId=" + clientId + ", redirectUrl=" + redirectUrl
                    + ", usernameClaim=" + usernameClaim + ", groupsClaim=" + groupsClaim + ", adminGroup="
                    + adminGroup + ", scopes=" + scopes + ", loginTimeout=" + loginTimeout + "]";
        }
    }

    public record Limits(int maxManifestBytes, long maxBlobBytes) {}

    /**
     * Keyless CI login: robots bound to an external OIDC issuer (set per robot through the admin API).
     *
     * @param clockSkew how far an external token's {@code exp}/{@code nbf} may be off
     * @param keyCacheTtl how long an issuer's signing keys are used before they are fetched again (an unknown
     *     key id triggers an earlier, rate-limited refetch)
     * @param fetchTimeout connect and read timeout for issuers' discovery documents and key sets
     * @param allowLoopbackIssuers fetch keys from issuers on this machine (tests, development only)
     */
    public record Federation(String clockSkew, String keyCacheTtl, String fetchTimeout, boolean allowLoopbackIssuers) {}

    /**
     * Webhook delivery. Receivers are refused on link-local and cloud metadata addresses always; loopback and
     * private networks only when allowed here (an admin could otherwise reach internal services through them).
     *
     * @param allowLoopback allow receivers on loopback addresses, over http too (tests, development)
     * @param allowPrivateNetworks allow receivers on private addresses (10/8, 172.16/12, 192.168/16, 100.64/10,
     *     fc00::/7), https only
     * @param timeout connect plus response time per attempt
     * @param pollInterval how often each node looks for due deliveries (new events are sent at once anyway)
     * @param initialBackoff wait after the first failure; doubled per failure, with jitter
     * @param maxBackoff longest wait between attempts
     * @param maxAttempts attempts before a delivery is dead-lettered
     * @param maxAge how long after the event a delivery is still attempted
     */
    public record Webhooks(
            boolean allowLoopback,
            boolean allowPrivateNetworks,
            String timeout,
            String pollInterval,
            String initialBackoff,
            String maxBackoff,
            int maxAttempts,
            String maxAge) {}

    /**
     * Anomaly rules: alerts ({@code AnomalyDetected} events and WARN log lines) about unusual activity. They run
     * in memory on each node, over the requests that node served.
     *
     * @param cooldown how long a rule stays quiet about the same subject after alerting
     * @param maxKeys how many accounts, addresses, repositories or principals each rule tracks at most (the least
     *     recently seen are forgotten)
     */
    public record Anomaly(
            String cooldown,
            int maxKeys,
            ExpectedNetworks expectedNetworks,
            OffHoursPush offHoursPush,
            PullSpike pullSpike,
            AuthFailures authFailures,
            MassDeletion massDeletion) {
        public static Anomaly defaults() {
            return new Anomaly(
                    "15m",
                    10_000,
                    new ExpectedNetworks(true, "30s"),
                    new OffHoursPush(false, "Mon-Fri 07:00-19:00 UTC"),
                    new PullSpike(true, "1m", 10, 300, "1h"),
                    new AuthFailures(true, 20, 100, "10m"),
                    new MassDeletion(true, 50, 100, "10m"));
        }
    }

    /**
     * Each project's expected networks are project settings ({@code expectedCidrs}, set through the admin API).
     *
     * @param refresh how long a node uses a project's expected networks before reading them again
     */
    public record ExpectedNetworks(boolean enabled, String refresh) {}

    /** @param workingHours e.g. {@code Mon-Fri 07:00-19:00 Europe/Berlin} (days, local hours, time-zone id) */
    public record OffHoursPush(boolean enabled, String workingHours) {}

    /**
     * @param window the span a repository's pull rate is measured over
     * @param factor how many times its baseline (decayed average pulls per window) counts as a spike
     * @param floor the least number of pulls in a window that can alert
     * @param baselineHalfLife how fast old traffic stops counting towards the baseline
     */
    public record PullSpike(boolean enabled, String window, double factor, int floor, String baselineHalfLife) {}

    /** Failed authentications within {@code window} that alert, per claimed account and per client address; 0: off. */
    public record AuthFailures(boolean enabled, int perAccount, int perAddress, String window) {}

    /** Deletions within {@code window} that alert, by one principal and in one project; 0: off. */
    public record MassDeletion(boolean enabled, int perPrincipal, int perProject, String window) {}

    /**
     * The tamper-evident audit log.
     *
     * @param signingKeyFile the Ed25519 key that signs checkpoints, created on first start; empty:
     *     {@code <dataDir>/audit-signing.key}. Keep it off the database host; share it between the nodes of a
     *     cluster
     * @param checkpointEvery sign a checkpoint after this many records...
     * @param checkpointInterval ...or after this long with new records, whichever comes first
     * @param retention records older than this are deleted (a signed checkpoint anchors what remains); with an
     *     export configured, only once exported
     * @param export copying the log to S3 for long-term retention
     */
    public record Audit(
            String signingKeyFile,
            int checkpointEvery,
            String checkpointInterval,
            String retention,
            AuditExport export) {}

    /**
     * Periodic export of the audit log to an S3 bucket (off while {@code s3.bucket} is empty).
     *
     * @param s3 where: same settings as {@code storage.s3} (credentials from here or the AWS default chain)
     * @param interval each export covers records up to a whole multiple of this, e.g. {@code 1h}
     * @param grace how long after such a boundary to wait before exporting up to it
     * @param gzip compress each object ({@code .jsonl.gz})
     * @param maxRecords records per object at most
     */
    public record AuditExport(S3 s3, String interval, String grace, boolean gzip, int maxRecords) {
        public boolean enabled() {
            return !s3.bucket().isBlank();
        }
    }

    /**
     * Vulnerability scanning.
     *
     * @param workers scan threads on this node (0: this node scans nothing, another does)
     * @param pollInterval how often an idle worker looks at the queue (jobs queued on this node wake it at once)
     * @param lease how long a job stays a worker's without renewal (renewed every third of it while scanning), so
     *     how long a dead worker's job waits before another node takes it
     * @param rematchBatch re-match jobs matched and saved together after an advisory update
     * @param maxAttempts claims of one job before it is recorded as FAILED
     */
    public record Scan(
            Advisories advisories,
            int workers,
            String pollInterval,
            String lease,
            int rematchBatch,
            int maxAttempts,
            Extraction extraction) {}

    /**
     * Bounds on one image's extraction: a crafted layer is refused with a finding instead of exhausting memory.
     *
     * @param maxUncompressedBytes across all layers; {@code maxCompressionRatio} per layer as it streams
     * @param maxFileBytes what one extractor may buffer of one file
     * @param maxNestingDepth archives inside archives (jar in war in ear)
     */
    public record Extraction(
            long maxUncompressedBytes,
            long maxEntries,
            int maxPathLength,
            int maxCompressionRatio,
            long maxFileBytes,
            int maxNestingDepth) {}

    /**
     * @param maxAge an advisory database older than this is stale: /readyz warns and an alert is raised
     * @param maxUploadBytes the largest advisory zip {@code POST /api/v1/advisories} accepts
     */
    public record Advisories(String maxAge, long maxUploadBytes) {}

    /**
     * @param cacheTtl how long a node reuses a project's pull policy and allowlists before reading them again (changes
     *     made on the node itself apply at once); {@code 0s} reads them on every pull
     */
    public record PullPolicy(String cacheTtl) {}
}
