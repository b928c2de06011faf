package io.gatehouse.server;

import io.gatehouse.access.AccessDecisionPoint;
import io.gatehouse.access.AdminOnlyAuthorizer;
import io.gatehouse.access.Authenticator;
import io.gatehouse.access.BreakGlassAlarm;
import io.gatehouse.access.LoginThrottle;
import io.gatehouse.access.PasswordHasher;
import io.gatehouse.access.TokenService;
import io.gatehouse.access.TokenSettings;
import io.gatehouse.access.admin.AccessAdministration;
import io.gatehouse.access.admin.ScanPolicyAdministration;
import io.gatehouse.access.federation.FederatedRobots;
import io.gatehouse.access.federation.FederatedTokenVerifier;
import io.gatehouse.access.federation.IssuerKeys;
import io.gatehouse.access.oidc.CliSecrets;
import io.gatehouse.access.oidc.OidcProvider;
import io.gatehouse.access.oidc.OidcSettings;
import io.gatehouse.access.oidc.SingleSignOn;
import io.gatehouse.access.policy.CachedScanPolicies;
import io.gatehouse.access.policy.ProjectNetworks;
import io.gatehouse.access.policy.RoleBasedAuthorizer;
import io.gatehouse.access.policy.VulnerabilityGate;
import io.gatehouse.audit.AuditExportSchedule;
import io.gatehouse.audit.AuditExporter;
import io.gatehouse.audit.AuditJournal;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.AuditSigningKey;
import io.gatehouse.audit.AuditVerifier;
import io.gatehouse.audit.AuditWriter;
import io.gatehouse.audit.ChainedAuditStore;
import io.gatehouse.audit.anomaly.AnomalyDetector;
import io.gatehouse.audit.anomaly.AnomalyRule;
import io.gatehouse.audit.anomaly.AuthenticationFailureRule;
import io.gatehouse.audit.anomaly.MassDeletionRule;
import io.gatehouse.audit.anomaly.OffHoursPushRule;
import io.gatehouse.audit.anomaly.PullRateSpikeRule;
import io.gatehouse.audit.anomaly.UnexpectedNetworkRule;
import io.gatehouse.audit.anomaly.WorkingHours;
import io.gatehouse.audit.webhook.CloudEvents;
import io.gatehouse.audit.webhook.WebhookSender;
import io.gatehouse.audit.webhook.WebhookSettings;
import io.gatehouse.audit.webhook.WebhookTargets;
import io.gatehouse.audit.webhook.Webhooks;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.RobotRecord;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventBus;
import io.gatehouse.core.model.Cidr;
import io.gatehouse.core.registry.BlobService;
import io.gatehouse.core.registry.ManifestService;
import io.gatehouse.core.registry.UploadService;
import io.gatehouse.core.scan.ScanResults;
import io.gatehouse.core.store.BlobStore;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.http.ClientAddress;
import io.gatehouse.http.Dispatcher;
import io.gatehouse.http.FairShareHandler;
import io.gatehouse.http.JsonErrorHandler;
import io.gatehouse.http.ObservabilityHandler;
import io.gatehouse.http.Route;
import io.gatehouse.http.TrafficMetrics;
import io.gatehouse.http.admin.AdminHandler;
import io.gatehouse.http.admin.AuditHandler;
import io.gatehouse.http.admin.OpenApiHandler;
import io.gatehouse.http.admin.PolicyHandler;
import io.gatehouse.http.admin.ScanPolicyHandler;
import io.gatehouse.http.admin.SigningKeysHandler;
import io.gatehouse.http.admin.WebhooksHandler;
import io.gatehouse.http.sso.SingleSignOnHandler;
import io.gatehouse.http.token.TokenEndpoint;
import io.gatehouse.http.token.TokenExchangeEndpoint;
import io.gatehouse.oci.http.BlobsHandler;
import io.gatehouse.oci.http.DiscoveryHandler;
import io.gatehouse.oci.http.ManifestsHandler;
import io.gatehouse.oci.http.OciErrorRenderer;
import io.gatehouse.oci.http.OciProtocol;
import io.gatehouse.oci.http.OciRoutes;
import io.gatehouse.oci.http.UploadsHandler;
import io.gatehouse.oci.manifest.OciManifestInspector;
import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.gatehouse.scan.match.OsvMatcher;
import io.gatehouse.scan.report.SbomPublisher;
import io.gatehouse.server.advisory.AdvisoriesHandler;
import io.gatehouse.server.advisory.AdvisoryMetrics;
import io.gatehouse.server.config.ConfigValidator;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.ops.OpsHandler;
import io.gatehouse.server.scan.SbomAttachment;
import io.gatehouse.server.scan.ScanWiring;
import io.gatehouse.storage.blob.FileSystemBlobStore;
import io.gatehouse.storage.blob.InstrumentedBlobStore;
import io.gatehouse.storage.blob.S3AuditArchive;
import io.gatehouse.storage.blob.S3BlobStore;
import io.gatehouse.storage.blob.S3Settings;
import io.gatehouse.storage.jdbc.DatabaseSettings;
import io.gatehouse.storage.jdbc.JdbcMetadataStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds stores, services, the decision point and the HTTP stack from the
 * configuration with plain constructors, and owns their lifecycle.
 */
public final class GatehouseServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatehouseServer.class);
    /** How often a node checks whether an audit export is due (each check lists the archive once). */
    private static final Duration EXPORT_CHECK = Duration.ofMinutes(1);

    private final GatehouseConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final TokenService tokens;
    private final Server jetty;
    private final ServerConnector connector;
    private final OpsHandler ops;
    private final ObservabilityHandler observability;
    private final EventBus events = new EventBus();
    private final Duration shutdownTimeout;
    private final List<Dispatcher> dispatchers;
    private final Webhooks webhooks;
    private final WebhookSender webhookSender;
    private final AuditWriter auditWriter;
    private final AdvisoryDatabase advisories;
    private final AdvisoryMetrics advisoryMetrics;
    private final ScanWiring scans;
    private final SbomPublisher sbomPublisher;
    private final Optional<S3AuditArchive> auditArchive;
    private final Optional<AuditExportSchedule> auditExport;

    public GatehouseServer(GatehouseConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock the time every service reads (token expiry, key rotation, login limits); tests move it */
    public GatehouseServer(GatehouseConfig config, Clock clock) {
        this(config, clock, Optional.empty());
    }

    /**
     * @param scanResults the verdicts the pull policy reads instead of the scan pipeline's (tests inject their own)
     */
    public GatehouseServer(GatehouseConfig config, Clock clock, ScanResults scanResults) {
        this(config, clock, Optional.of(scanResults));
    }

    /** @param scanResults empty: the pull policy reads the scan pipeline's own verdicts */
    private GatehouseServer(GatehouseConfig config, Clock clock, Optional<ScanResults> scanResults) {
        this.config = config;
        this.shutdownTimeout = ConfigValidator.duration(
                "server.shutdownTimeout", config.server().shutdownTimeout());
        Path dataDir = Path.of(config.dataDir()).toAbsolutePath();
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        events.subscribe(this::countDecision);

        this.blobs = new InstrumentedBlobStore(blobStore(config, dataDir), registry);
        this.metadata = JdbcMetadataStore.open(databaseSettings(config, dataDir));
        AuditSigningKey auditKey;
        try {
            auditKey = AuditSigningKey.loadOrCreate(auditKeyFile(config, dataDir));
            // Requests wait for an fsynced append to this node's journal; the writer chains it into the database.
            this.auditWriter = new AuditWriter(
                    metadata.audit(),
                    auditKey,
                    auditSettings(config.audit()),
                    clock,
                    AuditJournal.open(dataDir.resolve("audit-journal")));
        } catch (RuntimeException e) {
            metadata.close();
            throw e;
        }
        try {
            // The audit log subscribes first and as required: a decision it cannot record fails its request.
            var auditRecorder = new AuditRecorder(auditWriter::record, metadata.audit(), clock);
            events.subscribeRequired(auditRecorder);
            var chained = new ChainedAuditStore(metadata.audit(), auditWriter);
            var exportSettings = config.audit().export();
            this.auditArchive = exportSettings.enabled()
                    ? Optional.of(new S3AuditArchive(s3Settings(exportSettings.s3())))
                    : Optional.empty();
            Optional<AuditExporter> exporter = auditArchive.map(archive -> new AuditExporter(
                    chained,
                    archive,
                    new AuditExporter.Settings(
                            ConfigValidator.duration("audit.export.interval", exportSettings.interval()),
                            ConfigValidator.duration("audit.export.grace", exportSettings.grace()),
                            exportSettings.gzip(),
                            exportSettings.maxRecords()),
                    clock));
            // Retention then deletes only what the archive holds.
            exporter.ifPresent(e -> auditWriter.retainUntilExported(e::exportedThrough));
            this.auditExport = exporter.map(e -> new AuditExportSchedule(e, EXPORT_CHECK));
            exporter.ifPresent(e -> log.info("audit export to {}", e.describe()));
            var auditLog = new AuditLog(
                    chained,
                    new AuditVerifier(chained, auditKey),
                    auditRecorder,
                    name -> metadata.access().project(name).isPresent(),
                    events,
                    clock,
                    exporter);
            // After the audit log, so an alert is recorded after the event that raised it.
            events.subscribe(new AnomalyDetector(anomalyRules(config.anomaly(), metadata.access()::project), events));
            var hasher = new PasswordHasher();
            var ttl = ConfigValidator.duration("auth.tokenTtl", config.auth().tokenTtl());
            var protection = config.auth().protection();
            this.tokens = new TokenService(
                    metadata.signingKeys(),
                    new TokenSettings(
                            config.auth().issuer(),
                            config.auth().service(),
                            ttl,
                            TokenSettings.DEFAULT_CLOCK_SKEW,
                            ConfigValidator.duration(
                                    "auth.protection.signingKeyRotation", protection.signingKeyRotation())),
                    clock);
            var throttle = new LoginThrottle(
                    new LoginThrottle.Limit(
                            protection.accountFailures(),
                            ConfigValidator.duration("auth.protection.accountWindow", protection.accountWindow())),
                    new LoginThrottle.Limit(
                            protection.addressFailures(),
                            ConfigValidator.duration("auth.protection.addressWindow", protection.addressWindow())),
                    clock);
            Optional<SingleSignOn> singleSignOn = singleSignOn(config.auth().oidc(), metadata, clock);
            var federatedRobots = federatedRobots(config.federation(), metadata, clock);
            var authenticator = new Authenticator(
                    metadata.users(),
                    hasher,
                    tokens,
                    clock,
                    Authenticator.Options.NONE
                            .withRobotSecretHashes(
                                    name -> liveRobot(metadata, clock, name).map(RobotRecord::secretHash))
                            .withCliSecretHashes(metadata.singleSignOn()::cliSecretHash)
                            .withFederatedRobots(federatedRobots)
                            .withThrottle(throttle)
                            .withRobotSignedIn(name -> metadata.access().touchRobot(name, clock.instant()))
                            // Without single sign-on the local admin is the normal way in, not break-glass.
                            .withBreakGlass(
                                    singleSignOn.isPresent()
                                            ? new BreakGlassAlarm(AdminOnlyAuthorizer.ADMIN, events, clock)
                                            : BreakGlassAlarm.OFF));
            // Vulnerability scanning: the advisory database (its index is what the scan pipeline matches against).
            this.advisories = new AdvisoryDatabase(
                    metadata.advisories(),
                    OsvMatcher.withDefaultSchemes(),
                    clock,
                    ConfigValidator.duration(
                            "scan.advisories.maxAge", config.scan().advisories().maxAge()),
                    events);
            this.advisoryMetrics = new AdvisoryMetrics(advisories, registry);
            this.scans = new ScanWiring(config.scan(), metadata, blobs, advisories, events, clock, registry);

            // Pull policy: read through a short-lived cache, so the pull path makes no policy query.
            var scanPolicies = new CachedScanPolicies(
                    metadata.scanPolicies(),
                    ConfigValidator.duration(
                            "pullPolicy.cacheTtl", config.pullPolicy().cacheTtl()),
                    clock);
            events.subscribe(scanPolicies);
            var vulnerabilityGate = new VulnerabilityGate(
                    scanPolicies, metadata.tags(), metadata.manifests(), scanResults.orElseGet(scans::reports), clock);
            var decisions = new AccessDecisionPoint(
                    new RoleBasedAuthorizer(metadata.access(), clock),
                    new ProjectNetworks(metadata.access())::refusal,
                    vulnerabilityGate::check,
                    events,
                    clock);
            var clientAddress = new ClientAddress(config.server().trustedProxyNetworks());

            var hookSettings = config.webhooks();
            var targets = new WebhookTargets(hookSettings.allowLoopback(), hookSettings.allowPrivateNetworks());
            this.webhookSender = new WebhookSender(metadata.webhooks(), targets, webhookSettings(hookSettings), clock);
            this.webhooks = new Webhooks(
                    metadata.webhooks(),
                    targets,
                    new CloudEvents(
                            config.server().publicUrl().isBlank()
                                    ? "urn:gatehouse"
                                    : config.server().publicUrl()),
                    project -> metadata.access().project(project).isPresent(),
                    events,
                    clock,
                    webhookSender::wake);
            events.subscribe(webhooks);

            var uploads = new UploadService(
                    blobs, metadata, events, clock, config.limits().maxBlobBytes());
            var blobService = new BlobService(blobs, metadata, events, clock);
            var manifests = new ManifestService(
                    metadata,
                    new OciManifestInspector(),
                    events,
                    clock,
                    config.limits().maxManifestBytes());
            this.sbomPublisher = new SbomPublisher(uploads, manifests, clock);
            events.subscribe(new SbomAttachment(scans.reports(), sbomPublisher, events, clock));
            Timer uploadDuration = Timer.builder("gatehouse.upload.duration")
                    .description("blob uploads from first request to commit")
                    .register(registry);
            DistributionSummary uploadSize = DistributionSummary.builder("gatehouse.upload.size")
                    .baseUnit("bytes")
                    .register(registry);
            var ociRoutes = OciRoutes.of(
                    new ManifestsHandler(manifests),
                    new BlobsHandler(blobService),
                    new UploadsHandler(uploads, blobService, (elapsed, size) -> {
                        uploadDuration.record(elapsed);
                        uploadSize.record(size);
                    }),
                    new DiscoveryHandler(manifests));
            var traffic = new TrafficMetrics(registry);
            var challenge = new BearerChallenge(
                    config.server().publicUrl(), config.auth().service());
            var errors = new OciErrorRenderer();
            var ociDispatcher = new Dispatcher(
                    "/v2", ociRoutes, authenticator, decisions, errors, challenge, traffic, clientAddress);
            var oci = OciProtocol.wrap(ociDispatcher);

            this.ops = new OpsHandler(metadata, blobs, registry, advisories);
            var tokenEndpoint = new TokenEndpoint(authenticator, decisions, tokens);
            List<Route> systemRoutes = List.of(
                    Route.get("/token", null, tokenEndpoint::get),
                    Route.get("/token/jwks", null, tokenEndpoint::jwks),
                    Route.get("/healthz", null, ops::healthz),
                    Route.get("/readyz", null, ops::readyz),
                    Route.get("/metrics", null, ops::metrics));
            var administration = new AccessAdministration(metadata.users(), metadata.access(), hasher, events, clock);
            List<Route> apiRoutes = new ArrayList<>();
            apiRoutes.addAll(new AdminHandler(administration).routes());
            apiRoutes.addAll(new PolicyHandler(administration).routes());
            apiRoutes.addAll(new ScanPolicyHandler(
                            new ScanPolicyAdministration(metadata.scanPolicies(), metadata.access(), events, clock))
                    .routes());
            apiRoutes.addAll(new SigningKeysHandler(tokens).routes());
            apiRoutes.addAll(new WebhooksHandler(webhooks).routes());
            apiRoutes.addAll(new AuditHandler(auditLog).routes());
            apiRoutes.addAll(new AdvisoriesHandler(
                            advisories,
                            config.scan().advisories().maxUploadBytes(),
                            dataDir.resolve("tmp").resolve("advisories"))
                    .routes());
            apiRoutes.addAll(scans.routes());
            apiRoutes.addAll(new SingleSignOnHandler(
                            singleSignOn,
                            new CliSecrets(metadata.singleSignOn(), hasher, clock),
                            tokens,
                            decisions,
                            config.server().publicUrl())
                    .routes());
            apiRoutes.add(Route.post(
                    "/api/v1/auth/exchange",
                    null,
                    new TokenExchangeEndpoint(federatedRobots, decisions, tokens)::post));
            apiRoutes.add(new OpenApiHandler(List.of(
                            OpenApiHandler.BASE,
                            "openapi/signing-keys.json",
                            "openapi/auth.json",
                            "openapi/sso.json",
                            "openapi/webhooks.json",
                            "openapi/audit.json",
                            "openapi/advisories.json",
                            "openapi/scans.json",
                            "openapi/scan-policy.json"))
                    .route());
            var api = new Dispatcher(
                    "/api/", apiRoutes, authenticator, decisions, errors, challenge, traffic, clientAddress);
            var system = new Dispatcher(
                    "/", systemRoutes, authenticator, decisions, errors, challenge, traffic, clientAddress);

            var threads = new QueuedThreadPool(200, 8);
            threads.setName("gatehouse-http");
            threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
            this.jetty = new Server(threads);
            this.connector = connector(jetty, config);
            jetty.addConnector(connector);
            this.dispatchers = List.of(ociDispatcher, api, system);
            var sequence = new org.eclipse.jetty.server.Handler.Sequence(oci, api, system);
            this.observability = new ObservabilityHandler(sequence, registry);
            jetty.setHandler(new GracefulHandler(new FairShareHandler(observability)));
            jetty.setErrorHandler(new JsonErrorHandler());
            jetty.setStopTimeout(ConfigValidator.duration(
                            "server.shutdownTimeout", config.server().shutdownTimeout())
                    .toMillis());
            jetty.setStopAtShutdown(false);
        } catch (RuntimeException e) {
            closeAuditExport();
            auditWriter.close();
            metadata.close();
            throw e;
        }
    }

    private void closeAuditExport() {
        if (auditExport != null) {
            auditExport.ifPresent(AuditExportSchedule::close);
        }
        if (auditArchive != null) {
            auditArchive.ifPresent(S3AuditArchive::close);
        }
    }

    public MetadataStore metadata() {
        return metadata;
    }

    /** The advisory database: its index for matching, imports, status and change listeners. */
    public AdvisoryDatabase advisories() {
        return advisories;
    }

    /** Scanning: the pipeline (queue, workers, re-matches) and the latest reports. */
    public ScanWiring scans() {
        return scans;
    }

    /** Attaches SBOMs to images as OCI referrers; the scan pipeline calls it after each COMPLETE scan. */
    public SbomPublisher sbomPublisher() {
        return sbomPublisher;
    }

    /** Every route the server serves, from all its route tables. */
    public List<Route> routes() {
        return dispatchers.stream().flatMap(d -> d.routes().stream()).toList();
    }

    /** Sends webhook deliveries; tests listen here for attempts instead of polling the log. */
    public WebhookSender webhookSender() {
        return webhookSender;
    }

    /** Where events go (audit, metrics); tests subscribe here to see what the server emitted. */
    public EventBus events() {
        return events;
    }

    public void start() throws Exception {
        jetty.start();
        webhookSender.start();
        advisoryMetrics.start();
        scans.start();
        log.info("gatehouse listening on {}", baseUri());
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public URI baseUri() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        boolean tls = !config.server().tls().cert().isEmpty();
        return URI.create((tls ? "https" : "http") + "://" + host + ":" + port());
    }

    /** Stops accepting work, lets in-flight requests finish (up to the shutdown timeout), then closes the stores. */
    @Override
    public void close() {
        ops.markStopping();
        try {
            // Stop accepting, then let requests in flight (uploads) finish before Jetty closes connections.
            connector.close();
            if (!observability.awaitIdle(shutdownTimeout)) {
                log.warn("requests still in flight after {}; closing their connections", shutdownTimeout);
            }
            jetty.stop();
        } catch (Exception e) {
            log.warn("HTTP server did not stop cleanly", e);
        } finally {
            advisoryMetrics.close();
            scans.close(); // before the stores: a job cut short is taken again when its lease runs out
            // Events already handed to webhooks reach the queue before the database closes.
            webhooks.close();
            webhookSender.close();
            closeAuditExport();
            auditWriter.close(); // after the last request: writes what is queued and signs a final checkpoint
            metadata.close();
        }
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    private void countDecision(Event event) {
        if (event instanceof Event.AccessDecided decided) {
            Counter.builder("gatehouse.access.decisions")
                    .tag("action", decided.request().action().name().toLowerCase(java.util.Locale.ROOT))
                    .tag("result", decided.decision().allowed() ? "allowed" : "denied")
                    .register(registry)
                    .increment();
        }
    }

    private static WebhookSettings webhookSettings(GatehouseConfig.Webhooks w) {
        return new WebhookSettings(
                ConfigValidator.duration("webhooks.timeout", w.timeout()),
                ConfigValidator.duration("webhooks.pollInterval", w.pollInterval()),
                ConfigValidator.duration("webhooks.initialBackoff", w.initialBackoff()),
                ConfigValidator.duration("webhooks.maxBackoff", w.maxBackoff()),
                w.maxAttempts(),
                ConfigValidator.duration("webhooks.maxAge", w.maxAge()));
    }

    /** Keyless CI login: robots bound to an external OIDC issuer log in with that issuer's tokens. */
    private static FederatedRobots federatedRobots(
            GatehouseConfig.Federation settings, MetadataStore metadata, Clock clock) {
        var keys = new IssuerKeys(
                ConfigValidator.duration("federation.keyCacheTtl", settings.keyCacheTtl()),
                ConfigValidator.duration("federation.fetchTimeout", settings.fetchTimeout()),
                settings.allowLoopbackIssuers());
        var verifier = new FederatedTokenVerifier(
                keys::of, ConfigValidator.duration("federation.clockSkew", settings.clockSkew()), clock);
        // A revoked or expired robot has no binding to log in with: 401, like a dead secret.
        return new FederatedRobots(
                name -> liveRobot(metadata, clock, name)
                        .flatMap(r -> metadata.access().robotFederation(name)),
                verifier);
    }

    /** The robot's record while it may log in: not revoked, not expired. */
    private static Optional<RobotRecord> liveRobot(MetadataStore metadata, Clock clock, String name) {
        return metadata.access()
                .robotRecord(name)
                .filter(r -> !r.account().revoked() && !r.account().isExpired(clock.instant()));
    }

    /** The anomaly rules the configuration turns on (validated already by {@link ConfigValidator}). */
    static List<AnomalyRule> anomalyRules(
            GatehouseConfig.Anomaly a, java.util.function.Function<String, Optional<ProjectSettings>> projects) {
        Duration cooldown = ConfigValidator.duration("anomaly.cooldown", a.cooldown());
        List<AnomalyRule> rules = new ArrayList<>();
        if (a.expectedNetworks().enabled()) {
            rules.add(new UnexpectedNetworkRule(
                    project -> projects.apply(project)
                            .map(p ->
                                    p.expectedCidrs().stream().map(Cidr::parse).toList())
                            .orElse(List.of()),
                    ConfigValidator.duration(
                            "anomaly.expectedNetworks.refresh",
                            a.expectedNetworks().refresh()),
                    cooldown,
                    a.maxKeys()));
        }
        if (a.offHoursPush().enabled()) {
            rules.add(new OffHoursPushRule(WorkingHours.parse(a.offHoursPush().workingHours()), cooldown, a.maxKeys()));
        }
        var spike = a.pullSpike();
        if (spike.enabled()) {
            rules.add(new PullRateSpikeRule(
                    new PullRateSpikeRule.Settings(
                            ConfigValidator.duration("anomaly.pullSpike.window", spike.window()),
                            spike.factor(),
                            spike.floor(),
                            ConfigValidator.duration("anomaly.pullSpike.baselineHalfLife", spike.baselineHalfLife())),
                    cooldown,
                    a.maxKeys()));
        }
        var failures = a.authFailures();
        if (failures.enabled()) {
            Duration window = ConfigValidator.duration("anomaly.authFailures.window", failures.window());
            rules.add(new AuthenticationFailureRule(
                    new AuthenticationFailureRule.Limit(failures.perAccount(), window),
                    new AuthenticationFailureRule.Limit(failures.perAddress(), window),
                    cooldown,
                    a.maxKeys()));
        }
        var deletions = a.massDeletion();
        if (deletions.enabled()) {
            Duration window = ConfigValidator.duration("anomaly.massDeletion.window", deletions.window());
            rules.add(new MassDeletionRule(
                    new MassDeletionRule.Limit(deletions.perPrincipal(), window),
                    new MassDeletionRule.Limit(deletions.perProject(), window),
                    cooldown,
                    a.maxKeys()));
        }
        return rules;
    }

    /** Single sign-on when an issuer is configured; the provider is contacted on the first login, not here. */
    private static Optional<SingleSignOn> singleSignOn(GatehouseConfig.Oidc oidc, MetadataStore metadata, Clock clock) {
        if (!oidc.enabled()) {
            return Optional.empty();
        }
        var settings = new OidcSettings(
                URI.create(oidc.issuer()),
                oidc.clientId(),
                oidc.clientSecret(),
                oidc.redirectUrl().isBlank() ? Optional.empty() : Optional.of(URI.create(oidc.redirectUrl())),
                oidc.usernameClaim(),
                oidc.groupsClaim(),
                oidc.adminGroup().isBlank() ? Optional.empty() : Optional.of(oidc.adminGroup()),
                oidc.scopeList(),
                ConfigValidator.duration("auth.oidc.loginTimeout", oidc.loginTimeout()));
        var signOn = new SingleSignOn(
                settings, new OidcProvider(settings), metadata.singleSignOn(), metadata.access(), clock);
        signOn.bindAdminGroup();
        log.info("single sign-on through {}", settings);
        return Optional.of(signOn);
    }

    private static Path auditKeyFile(GatehouseConfig config, Path dataDir) {
        String file = config.audit().signingKeyFile();
        return file.isBlank() ? dataDir.resolve("audit-signing.key") : Path.of(file);
    }

    private static AuditWriter.Settings auditSettings(GatehouseConfig.Audit audit) {
        return new AuditWriter.Settings(
                audit.checkpointEvery(),
                ConfigValidator.duration("audit.checkpointInterval", audit.checkpointInterval()),
                ConfigValidator.duration("audit.retention", audit.retention()));
    }

    private static S3Settings s3Settings(GatehouseConfig.S3 s3) {
        return new S3Settings(
                s3.endpoint().isBlank() ? null : URI.create(s3.endpoint()),
                s3.region(),
                s3.bucket(),
                s3.prefix(),
                s3.accessKey().isBlank() ? null : s3.accessKey(),
                s3.secretKey().isBlank() ? null : s3.secretKey(),
                s3.pathStyle());
    }

    private static BlobStore blobStore(GatehouseConfig config, Path dataDir) {
        if ("s3".equals(config.storage().type())) {
            var s3 = config.storage().s3();
            return S3BlobStore.create(s3Settings(s3));
        }
        String path = config.storage().filesystem().path();
        return new FileSystemBlobStore(path.isBlank() ? dataDir.resolve("storage") : Path.of(path));
    }

    private static DatabaseSettings databaseSettings(GatehouseConfig config, Path dataDir) {
        var db = config.database();
        var settings = db.url().isBlank()
                ? DatabaseSettings.h2(dataDir).withMaxPoolSize(db.maxPoolSize())
                : new DatabaseSettings(db.url(), db.username(), db.password(), db.maxPoolSize(), Optional.empty());
        return db.schema().isBlank() ? settings : settings.withSchema(db.schema());
    }

    private static ServerConnector connector(Server jetty, GatehouseConfig config) {
        var address = ConfigValidator.listenAddress(config.server().listen());
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setOutputBufferSize(64 * 1024);
        ServerConnector connector;
        var tls = config.server().tls();
        if (tls.cert().isEmpty()) {
            connector = new ServerConnector(jetty, 1, -1, new HttpConnectionFactory(http));
        } else {
            http.addCustomizer(new SecureRequestCustomizer());
            var ssl = TlsContexts.fromPem(Path.of(tls.cert()), Path.of(tls.key()));
            connector = new ServerConnector(
                    jetty, 1, -1, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        }
        connector.setHost(address.host());
        connector.setPort(address.port());
        connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        return connector;
    }
}
