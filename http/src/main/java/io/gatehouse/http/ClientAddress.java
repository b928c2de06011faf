package io.gatehouse.http;

import io.gatehouse.core.model.Cidr;
import java.util.List;

/**
 * Who is really calling: the peer address, or, when the peer is a trusted proxy, the right-most address in
 * {@code X-Forwarded-For} that is not itself a trusted proxy. From any other peer the header is ignored, so
 * a client cannot claim an address it does not have.
 */
public final class ClientAddress {
    private final List<Cidr> trustedProxies;

    public ClientAddress(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    public String resolve(String peer, List<String> forwardedFor) {
        if (!isTrusted(peer) || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = forwardedFor.stream()
                .flatMap(h -> java.util.Arrays.stream(h.split(",")))
                .map(String::strip)
                .filter(h -> !h.isEmpty())
                .toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!isTrusted(hops.get(i))) {
                return hops.get(i);
            }
        }
        return hops.isEmpty() ? peer : hops.getFirst();
    }

    private boolean isTrusted(String address) {
        return trustedProxies.stream().anyMatch(c -> c.contains(address));
    }
}
