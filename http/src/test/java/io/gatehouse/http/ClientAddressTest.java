package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private final ClientAddress behindProxies =
            new ClientAddress(List.of(Cidr.parse("127.0.0.1"), Cidr.parse("10.0.0.0/8")));

    @Test
    void forwardedForIsHonouredOnlyFromTrustedProxies() {
        assertThat(behindProxies.resolve("127.0.0.1", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(behindProxies.resolve("198.51.100.1", List.of("203.0.113.7")))
                .as("untrusted peer")
                .isEqualTo("198.51.100.1");
        assertThat(new ClientAddress(List.of()).resolve("127.0.0.1", List.of("203.0.113.7")))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void theRightMostUntrustedHopWinsSoClientsCannotSpoofTheFirstEntry() {
        assertThat(behindProxies.resolve("127.0.0.1", List.of("1.1.1.1, 203.0.113.7, 10.1.1.1")))
                .isEqualTo("203.0.113.7");
        assertThat(behindProxies.resolve("127.0.0.1", List.of("1.1.1.1", "203.0.113.7")))
                .isEqualTo("203.0.113.7");
        assertThat(behindProxies.resolve("127.0.0.1", List.of("10.1.1.1"))).isEqualTo("10.1.1.1");
        assertThat(behindProxies.resolve("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
    }
}
