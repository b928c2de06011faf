package io.gatehouse.access.federation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import io.gatehouse.core.access.policy.RobotFederation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The signing keys of external OIDC issuers, found through each issuer's discovery document ({@code
 * /.well-known/openid-configuration} → {@code jwks_uri}) and cached: a key set is refetched when its cache
 * expires or a token names a key id it does not hold (rate limited), so issuer key rotation just works.
 *
 * <p>Keys are only ever looked up for the issuer a robot is bound to, never for the {@code iss} a token claims,
 * so a made-up token cannot make the registry fetch an arbitrary URL.
 */
public final class IssuerKeys {
    private static final int MAX_DOCUMENT_BYTES = 256 * 1024;
    private static final Duration DISCOVERY_TTL = Duration.ofHours(1);

    private final ResourceRetriever http;
    private final Duration keyCacheTtl;
    private final boolean allowLoopback;
    private final Cache<String, JWKSource<SecurityContext>> byIssuer;

    /**
     * @param keyCacheTtl how long a fetched key set is used before it is fetched again
     * @param fetchTimeout connect and read timeout for discovery documents and key sets
     */
    public IssuerKeys(Duration keyCacheTtl, Duration fetchTimeout, boolean allowLoopback) {
        this(
                new DefaultResourceRetriever(
                        (int) fetchTimeout.toMillis(), (int) fetchTimeout.toMillis(), MAX_DOCUMENT_BYTES, true),
                keyCacheTtl,
                allowLoopback);
    }

    /**
     * @param allowLoopback fetch from issuers on this machine (tests, development); otherwise a project admin
     *     could make the server probe its own loopback services through a robot's issuer URL
     */
    IssuerKeys(ResourceRetriever http, Duration keyCacheTtl, boolean allowLoopback) {
        this.http = Objects.requireNonNull(http, "http");
        this.keyCacheTtl = Objects.requireNonNull(keyCacheTtl, "keyCacheTtl");
        this.allowLoopback = allowLoopback;
        this.byIssuer = Caffeine.newBuilder()
                .maximumSize(1_000)
                .expireAfterWrite(DISCOVERY_TTL)
                .build();
    }

    /** The key source of a bound issuer; its discovery document is fetched on first use, not here. */
    public JWKSource<SecurityContext> of(String issuer) {
        return byIssuer.get(issuer, this::lazySource);
    }

    /** Defers discovery to the first key lookup, so a failed fetch is retried on the next token, not cached. */
    private JWKSource<SecurityContext> lazySource(String issuer) {
        return new JWKSource<>() {
            private volatile JWKSource<SecurityContext> delegate;

            @Override
            public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
                JWKSource<SecurityContext> keys = delegate;
                if (keys == null) {
                    keys = discover(issuer);
                    delegate = keys;
                }
                return keys.get(selector, context);
            }
        };
    }

    private JWKSource<SecurityContext> discover(String issuer) throws KeySourceException {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        refuseLocal(URI.create(base));
        try {
            String body = http.retrieveResource(URI.create(base + "/.well-known/openid-configuration")
                            .toURL())
                    .getContent();
            Map<String, Object> document = JSONObjectUtils.parse(body);
            if (!issuer.equals(JSONObjectUtils.getString(document, "issuer"))) {
                throw new KeySourceException("the discovery document of " + issuer + " names another issuer");
            }
            String jwksUri = JSONObjectUtils.getString(document, "jwks_uri");
            if (jwksUri == null) {
                throw new KeySourceException("the discovery document of " + issuer + " has no jwks_uri");
            }
            URI jwks = URI.create(jwksUri);
            if (!RobotFederation.isSecure(jwks)) {
                // The key set must be as trustworthy as the issuer.
                throw new KeySourceException("the jwks_uri of " + issuer + " is not an https URL");
            }
            refuseLocal(jwks);
            return JWKSourceBuilder.<SecurityContext>create(jwks.toURL(), http)
                    .cache(keyCacheTtl.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .build();
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new KeySourceException("cannot read the discovery document of " + issuer + ": " + e.getMessage(), e);
        }
    }

    /**
     * Link-local (cloud metadata) addresses are never fetched from; loopback only when allowed. A host that does
     * not resolve is left to the fetch, which fails on its own.
     */
    private void refuseLocal(URI uri) throws KeySourceException {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return;
        }
        for (InetAddress address : addresses) {
            if (address.isLinkLocalAddress() || address.isAnyLocalAddress()) {
                throw new KeySourceException(uri.getHost() + " is a link-local address; issuers there are refused");
            }
            if (address.isLoopbackAddress() && !allowLoopback) {
                throw new KeySourceException(
                        uri.getHost() + " is this machine; loopback issuers need federation.allowLoopbackIssuers");
            }
        }
    }
}
