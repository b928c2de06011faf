package io.gatehouse.audit.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Invalid;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where webhooks may send: names resolve through a fixed table, so no test needs DNS. */
class WebhookTargetsTest {
    static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "203.0.113.10",
            "metadata.google.internal", "169.254.169.254",
            "rebound.example.com", "127.0.0.1",
            "intranet.example.com", "10.1.2.3");

    static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.getOrDefault(host, host);
        if (!Character.isDigit(ip.charAt(0)) && !ip.contains(":")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    final WebhookTargets strict = new WebhookTargets(false, false, WebhookTargetsTest::resolve);
    final WebhookTargets permissive = new WebhookTargets(true, true, WebhookTargetsTest::resolve);

    static void refused(WebhookTargets targets, String url, String why) {
        assertThatThrownBy(() -> targets.check(url))
                .as(url)
                .isInstanceOf(Invalid.class)
                .hasMessageContaining(why);
    }

    @Test
    void httpsToAPublicAddressIsAllowed() {
        assertThat(strict.check("https://hooks.example.com/gatehouse"))
                .isEqualTo(URI.create("https://hooks.example.com/gatehouse"));
        assertThat(strict.check("https://203.0.113.10:8443/x")).isNotNull();
    }

    @Test
    void metadataAndLinkLocalAddressesAreRefusedWhateverIsAllowed() {
        for (var targets : new WebhookTargets[] {strict, permissive}) {
            refused(targets, "http://169.254.169.254/latest/meta-data/", "link-local or cloud metadata");
            refused(targets, "https://metadata.google.internal/", "resolves to 169.254.169.254");
            refused(targets, "https://[fd00:ec2::254]/", "cloud metadata");
            refused(targets, "https://100.100.100.200/", "cloud metadata");
            refused(targets, "https://[fe80::1]/", "link-local");
            refused(targets, "https://0.0.0.0/", "not a unicast address");
            refused(targets, "https://224.0.0.1/", "not a unicast address");
            refused(targets, "https://[::ffff:169.254.169.254]/", "link-local");
        }
    }

    @Test
    void loopbackAndPrivateNetworksOnlyWhenConfigured() {
        refused(strict, "http://127.0.0.1:8080/hook", "webhooks.allowLoopback");
        refused(strict, "https://rebound.example.com/", "webhooks.allowLoopback");
        refused(strict, "https://[::1]/", "webhooks.allowLoopback");
        refused(strict, "https://intranet.example.com/", "webhooks.allowPrivateNetworks");
        refused(strict, "https://192.168.1.1/", "webhooks.allowPrivateNetworks");
        refused(strict, "https://172.20.0.1/", "webhooks.allowPrivateNetworks");
        refused(strict, "https://[fd12::1]/", "webhooks.allowPrivateNetworks");
        assertThat(permissive.check("http://127.0.0.1:8080/hook")).isNotNull();
        assertThat(permissive.check("https://intranet.example.com/")).isNotNull();
        refused(permissive, "http://intranet.example.com/", "http is allowed only to loopback");
        refused(permissive, "http://hooks.example.com/", "http is allowed only to loopback");
    }

    @Test
    void malformedUrlsSayWhy() {
        refused(strict, "", "url is required");
        refused(strict, "hooks.example.com/x", "url must be https");
        refused(strict, "ftp://hooks.example.com/", "url must be https");
        refused(strict, "https://user:secret@hooks.example.com/", "no user:password");
        refused(strict, "https://hooks.example.com/#frag", "no #fragment");
        refused(strict, "https://no-such-host.invalid/", "does not resolve");
        refused(strict, "https://exa mple.com/", "not a valid URL");
    }
}
