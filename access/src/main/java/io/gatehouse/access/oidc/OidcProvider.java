package io.gatehouse.access.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.gatehouse.core.error.Unavailable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The provider as discovery describes it, fetched on first use (so Gatehouse starts, and break-glass works,
 * while the provider is down) and kept once fetched. Its signing keys come from its JWKS through nimbus'
 * caching key source, which refetches on an unknown {@code kid} (key rotation).
 */
public final class OidcProvider {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Set<JWSAlgorithm> ACCEPTED = Set.copyOf(List.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.Ed25519,
            JWSAlgorithm.EdDSA));

    /** The provider's endpoints and the validator for its ID tokens. */
    record Discovered(OIDCProviderMetadata metadata, IDTokenValidator validator) {}

    private final OidcSettings settings;
    private volatile Discovered discovered;

    public OidcProvider(OidcSettings settings) {
        this.settings = settings;
    }

    /**
     * @throws Unavailable if the discovery document cannot be fetched or is unusable
     */
    Discovered discovered() {
        Discovered current = discovered;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (discovered == null) {
                discovered = discover();
            }
            return discovered;
        }
    }

    private Discovered discover() {
        int timeout = (int) TIMEOUT.toMillis();
        OIDCProviderMetadata metadata;
        try {
            // resolve() also checks that the document names the configured issuer.
            metadata = OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), timeout, timeout);
        } catch (IOException | GeneralException e) {
            throw new Unavailable("the identity provider " + settings.issuer() + " is unreachable", e);
        }
        if (metadata.getAuthorizationEndpointURI() == null
                || metadata.getTokenEndpointURI() == null
                || metadata.getJWKSetURI() == null) {
            throw new Unavailable(
                    "the identity provider's discovery document lacks an authorization, token or JWKS endpoint", null);
        }
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(
                            metadata.getJWKSetURI().toURL(), new DefaultResourceRetriever(timeout, timeout, 512 * 1024))
                    .build();
        } catch (MalformedURLException e) {
            throw new Unavailable("the identity provider's JWKS URL is invalid", e);
        }
        var validator = new IDTokenValidator(
                metadata.getIssuer(),
                new ClientID(settings.clientId()),
                new JWSVerificationKeySelector<>(algorithms(metadata), keys),
                null);
        return new Discovered(metadata, validator);
    }

    /** The asymmetric algorithms the provider says it signs ID tokens with (never "none" or a shared secret). */
    private static Set<JWSAlgorithm> algorithms(OIDCProviderMetadata metadata) {
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        if (metadata.getIDTokenJWSAlgs() != null) {
            metadata.getIDTokenJWSAlgs().stream().filter(ACCEPTED::contains).forEach(algorithms::add);
        }
        if (algorithms.isEmpty()) {
            algorithms.add(JWSAlgorithm.RS256); // the algorithm every provider must support
        }
        return algorithms;
    }
}
