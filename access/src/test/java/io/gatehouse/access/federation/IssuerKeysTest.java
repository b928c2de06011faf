package io.gatehouse.access.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.core.access.policy.RobotFederation;
import java.io.IOException;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Discovery and key fetching, with the network replaced by a table of documents that records every fetch. */
class IssuerKeysTest {
    static final String ISSUER = "https://ci.example.com";
    static final RobotFederation BINDING = new RobotFederation(ISSUER, "gatehouse", Map.of("repository", "org/app"));

    static RSAKey key;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
    }

    /** Serves fixed documents by URL and records what was fetched. */
    static final class Documents implements ResourceRetriever {
        final Map<String, String> byUrl;
        final List<String> fetched = new CopyOnWriteArrayList<>();

        Documents(Map<String, String> byUrl) {
            this.byUrl = byUrl;
        }

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            fetched.add(url.toString());
            String body = byUrl.get(url.toString());
            if (body == null) {
                throw new IOException("404 " + url);
            }
            return new Resource(body, "application/json");
        }
    }

    static String discovery(String issuer, String jwksUri) {
        return "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri + "\"}";
    }

    static String token(String issuer) throws Exception {
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .audience("gatehouse")
                        .claim("repository", "org/app")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                        .build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static FederatedTokenVerifier verifier(Documents documents) {
        var keys = new IssuerKeys(documents, Duration.ofMinutes(5), true);
        return new FederatedTokenVerifier(keys::of, Duration.ofSeconds(30), Clock.systemUTC());
    }

    @Test
    void keysComeFromTheJwksUriOfTheBoundIssuersDiscoveryDocument() throws Exception {
        var documents = new Documents(Map.of(
                ISSUER + "/.well-known/openid-configuration",
                discovery(ISSUER, "https://keys.example.com/jwks"),
                "https://keys.example.com/jwks",
                new JWKSet(key.toPublicJWK()).toString()));
        var verifier = verifier(documents);
        assertThat(verifier.refusal(BINDING, token(ISSUER))).isEmpty();
        assertThat(verifier.refusal(BINDING, token(ISSUER))).isEmpty();
        assertThat(documents.fetched)
                .as("discovery and keys fetched once, then cached")
                .containsExactly(ISSUER + "/.well-known/openid-configuration", "https://keys.example.com/jwks");
    }

    @Test
    void aTokenNamingAnotherIssuerNeverMakesTheRegistryFetchIt() throws Exception {
        var documents = new Documents(Map.of(
                ISSUER + "/.well-known/openid-configuration",
                discovery(ISSUER, "https://keys.example.com/jwks"),
                "https://keys.example.com/jwks",
                new JWKSet(key.toPublicJWK()).toString()));
        var verifier = verifier(documents);
        assertThat(verifier.refusal(BINDING, token("https://internal.example.com:8443/admin")))
                .isPresent();
        assertThat(documents.fetched).allMatch(url -> !url.contains("internal.example.com"));
    }

    @Test
    void aDiscoveryDocumentForAnotherIssuerIsRefused() throws Exception {
        var documents = new Documents(Map.of(
                ISSUER + "/.well-known/openid-configuration",
                discovery("https://evil.example.com", "https://keys.example.com/jwks"),
                "https://keys.example.com/jwks",
                new JWKSet(key.toPublicJWK()).toString()));
        assertThat(verifier(documents).refusal(BINDING, token(ISSUER)))
                .hasValueSatisfying(r -> assertThat(r).contains("names another issuer"));
        assertThat(documents.fetched).doesNotContain("https://keys.example.com/jwks");
    }

    @Test
    void aPlainHttpKeySetOffLoopbackIsRefused() throws Exception {
        var documents = new Documents(Map.of(
                ISSUER + "/.well-known/openid-configuration", discovery(ISSUER, "http://keys.example.com/jwks")));
        assertThat(verifier(documents).refusal(BINDING, token(ISSUER)))
                .hasValueSatisfying(r -> assertThat(r).contains("not an https URL"));
    }

    @Test
    void anUnreachableIssuerIsARefusalThatIsRetriedOnTheNextToken() throws Exception {
        var documents = new Documents(Map.of());
        var verifier = verifier(documents);
        assertThat(verifier.refusal(BINDING, token(ISSUER)))
                .hasValueSatisfying(r -> assertThat(r).contains("cannot"));
        assertThat(verifier.refusal(BINDING, token(ISSUER))).isPresent();
        assertThat(documents.fetched).as("a failed discovery is not cached").hasSize(2);
    }
}
