package io.gatehouse.audit.webhook;

import io.gatehouse.core.error.Invalid;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a webhook may send, so an admin cannot turn the registry into a proxy into its own network (SSRF).
 * {@code https} to a public address is allowed; loopback (with {@code http} too, for tests and development)
 * and private networks only when configured. Link-local addresses (169.254.0.0/16 with the cloud metadata
 * endpoint 169.254.169.254, fe80::/10), the unspecified and multicast addresses, and the cloud metadata
 * addresses outside link-local (fd00:ec2::254, 100.100.100.200) are always refused. Every address the host
 * resolves to is checked, when the webhook is created and again before each attempt (DNS may change).
 */
public final class WebhookTargets {
    private final boolean allowLoopback;
    private final boolean allowPrivateNetworks;
    private final Resolver resolver;

    /** Resolves a host name to all its addresses. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public WebhookTargets(boolean allowLoopback, boolean allowPrivateNetworks) {
        this(allowLoopback, allowPrivateNetworks, InetAddress::getAllByName);
    }

    public WebhookTargets(boolean allowLoopback, boolean allowPrivateNetworks, Resolver resolver) {
        this.allowLoopback = allowLoopback;
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
    }

    /** The URL if a webhook may send to it; otherwise an {@link Invalid} that says why. */
    public URI check(String url) {
        if (url == null || url.isBlank()) {
            throw invalid("url is required");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid("url must be https (or http to a loopback address)");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw invalid("url must name a host, with no user:password and no #fragment");
        }
        refusal(uri).ifPresent(reason -> {
            throw invalid(reason);
        });
        return uri;
    }

    /** Why the URL may not be sent to now, if it may not (checked again before each attempt). */
    public Optional<String> refusal(URI uri) {
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Optional.of("url host " + host + " does not resolve");
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        for (InetAddress address : addresses) {
            Optional<String> refused = refusal(address, https);
            if (refused.isPresent()) {
                return Optional.of(
                        "url host " + host + " resolves to " + address.getHostAddress() + ", " + refused.get());
            }
        }
        return Optional.empty();
    }

    private Optional<String> refusal(InetAddress a, boolean https) {
        if (a.isLinkLocalAddress() || isMetadata(a)) {
            return Optional.of("a link-local or cloud metadata address, which webhooks may never reach");
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return Optional.of("which is not a unicast address");
        }
        if (a.isLoopbackAddress()) {
            return allowLoopback
                    ? Optional.empty()
                    : Optional.of("a loopback address (allowed only with webhooks.allowLoopback)");
        }
        if (!https) {
            return Optional.of("and http is allowed only to loopback addresses: use https");
        }
        if (isPrivate(a) && !allowPrivateNetworks) {
            return Optional.of("a private address (allowed only with webhooks.allowPrivateNetworks)");
        }
        return Optional.empty();
    }

    private static boolean isMetadata(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200;
        }
        // fd00:ec2::254
        return a instanceof Inet6Address
                && (b[0] & 0xff) == 0xfd
                && b[1] == 0
                && (b[2] & 0xff) == 0x0e
                && (b[3] & 0xff) == 0xc2
                && java.util.Arrays.equals(java.util.Arrays.copyOfRange(b, 4, 14), new byte[10])
                && b[14] == 0x02
                && b[15] == 0x54;
    }

    /** RFC 1918, carrier-grade NAT (100.64.0.0/10) and IPv6 unique local (fc00::/7). */
    private static boolean isPrivate(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            return b0 == 10
                    || (b0 == 172 && b1 >= 16 && b1 <= 31)
                    || (b0 == 192 && b1 == 168)
                    || (b0 == 100 && b1 >= 64 && b1 <= 127);
        }
        return a.isSiteLocalAddress() || (b[0] & 0xfe) == 0xfc;
    }

    private static Invalid invalid(String message) {
        return new Invalid(Invalid.Kind.PARAMETER, message);
    }
}
