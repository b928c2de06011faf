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
import java.net.URI;
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
    private final Cache<String, JWKSource<SecurityContext>> byIssuer;

    /**
     * @param keyCacheTtl how long a fetched key set is used before it is fetched again
     * @param fetchTimeout connect and read timeout for discovery documents and key sets
     */
    public IssuerKeys(Duration keyCacheTtl, Duration fetchTimeout) {
        this(
                new DefaultResourceRetriever(
                        (int) fetchTimeout.toMillis(), (int) fetchTimeout.toMillis(), MAX_DOCUMENT_BYTES, true),
                keyCacheTtl);
    }

    IssuerKeys(ResourceRetriever http, Duration keyCacheTtl) {
        this.http = Objects.requireNonNull(http, "http");
        this.keyCacheTtl = Objects.requireNonNull(keyCacheTtl, "keyCacheTtl");
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
            return JWKSourceBuilder.<SecurityContext>create(jwks.toURL(), http)
                    .cache(keyCacheTtl.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .build();
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new KeySourceException("cannot read the discovery document of " + issuer + ": " + e.getMessage(), e);
        }
    }
}
