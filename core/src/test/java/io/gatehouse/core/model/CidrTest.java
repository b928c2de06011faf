package io.gatehouse.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Invalid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
    @Test
    void ipv4Networks() {
        var net = Cidr.parse("10.0.0.0/8");
        assertThat(net.contains("10.255.1.2")).isTrue();
        assertThat(net.contains("11.0.0.1")).isFalse();
        var odd = Cidr.parse("192.168.4.0/22");
        assertThat(odd.contains("192.168.7.255")).isTrue();
        assertThat(odd.contains("192.168.8.0")).isFalse();
        assertThat(Cidr.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains("127.0.0.2")).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
    }

    @Test
    void ipv6NetworksAndFamiliesDoNotMix() {
        var net = Cidr.parse("fd00::/8");
        assertThat(net.contains("fd12:3456::1")).isTrue();
        assertThat(net.contains("fe80::1")).isFalse();
        assertThat(net.contains("10.0.0.1")).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains("::1")).isFalse();
        assertThat(Cidr.parse("::1/128").contains("0:0:0:0:0:0:0:1")).isTrue();
    }

    @Test
    void nonLiteralsAreNeverContainedAndNeverLookedUp() {
        assertThat(Cidr.parse("0.0.0.0/0").contains("localhost")).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "example.com/8", "10.0.0.0/x", "", "10.0.0.0/-1", "1.2.3.4/8/9"})
    void malformedNetworksAreRefused(String text) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("not a CIDR network");
    }
}
