package io.gatehouse.core.model;

import io.gatehouse.core.error.Invalid;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is /32 or /128). */
public record Cidr(byte[] network, int prefix, String text) {
    /** Only address characters, so parsing never turns into a DNS lookup. */
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    public static Cidr parse(String text) {
        String value = text == null ? "" : text.strip();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = literal(address).orElseThrow(() -> invalid(text));
        int bits = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(value.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (prefix < 0 || prefix > bits) {
            throw invalid(text);
        }
        return new Cidr(bytes, prefix, value);
    }

    /** Whether the address (an IP literal) lies in this network; anything that is not a literal does not. */
    public boolean contains(String address) {
        return literal(address)
                .filter(a -> a.length == network.length)
                .map(this::contains)
                .orElse(false);
    }

    private boolean contains(byte[] address) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (address[full] & mask) == (network[full] & mask);
    }

    private static Optional<byte[]> literal(String address) {
        if (address == null || address.isEmpty() || !LITERAL.matcher(address).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Invalid invalid(String text) {
        return new Invalid(Invalid.Kind.PARAMETER, "not a CIDR network: " + text);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
