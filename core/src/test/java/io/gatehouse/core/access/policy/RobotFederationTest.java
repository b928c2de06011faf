package io.gatehouse.core.access.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Invalid;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RobotFederationTest {
    static final Map<String, String> CLAIMS = Map.of("repository", "org/app");

    @ParameterizedTest
    @CsvSource({
        "refs/heads/main, refs/heads/main, true",
        "refs/heads/main, refs/heads/main2, false",
        "refs/heads/release-*, refs/heads/release-1.2, true",
        "refs/heads/release-*, refs/heads/release-, true",
        "refs/heads/release-*, refs/tags/release-1, false",
        "system:serviceaccount:*:builder, system:serviceaccount:ci:builder, true",
        "system:serviceaccount:*:builder, system:serviceaccount:ci:builder2, false",
        "*/app, org/app, true",
        "a*b*c, abxbxc, true",
        "a*b*c, abxbx, false",
        "org/app, ORG/APP, false",
    })
    void globsMatchLiterallyExceptForStars(String pattern, String value, boolean matches) {
        assertThat(RobotFederation.matches(pattern, value)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://issuer.example.com",
                "ftp://issuer.example.com",
                "https://user@issuer.example.com",
                "https://issuer.example.com?x=1",
                "https://issuer.example.com#f",
                "issuer.example.com",
                "https://",
                " ",
            })
    void issuersAreHttpsUrlsExceptOnLoopback(String issuer) {
        assertThatThrownBy(() -> new RobotFederation(issuer, "gatehouse", CLAIMS))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("issuer");
    }

    @Test
    void loopbackIssuersMayUsePlainHttpAndAreKeptExactly() {
        assertThat(new RobotFederation("http://127.0.0.1:8080/default", "gatehouse", CLAIMS).issuer())
                .isEqualTo("http://127.0.0.1:8080/default");
        assertThat(new RobotFederation("http://localhost:1/", "a", CLAIMS).issuer())
                .isEqualTo("http://localhost:1/");
    }

    @Test
    void atLeastOneClaimConditionIsRequired() {
        assertThatThrownBy(() -> new RobotFederation("https://i.example.com", "gatehouse", Map.of()))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("at least one claim condition");
    }

    @Test
    void conditionsOnCheckedClaimsOrMatchingEverythingAreRefused() {
        assertThatThrownBy(() -> new RobotFederation("https://i.example.com", "g", Map.of("aud", "x")))
                .hasMessageContaining("checked anyway");
        assertThatThrownBy(() -> new RobotFederation("https://i.example.com", "g", Map.of("sub", "**")))
                .hasMessageContaining("not only '*'");
        assertThatThrownBy(() -> new RobotFederation("https://i.example.com", "g", Map.of("bad name", "x")))
                .hasMessageContaining("claim names");
        assertThatThrownBy(() -> new RobotFederation("https://i.example.com", " ", CLAIMS))
                .hasMessageContaining("audience");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= RobotFederation.MAX_CLAIMS; i++) {
            many.put("c" + i, "v");
        }
        assertThatThrownBy(() -> new RobotFederation("https://i.example.com", "g", many))
                .hasMessageContaining("at most");
    }
}
