package io.gatehouse.access.admin;

import io.gatehouse.core.error.Invalid;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** CIDR notation for IPv4 and IPv6 networks. */
final class Cidrs {
    /** Only address characters, so parsing never turns into a DNS lookup. */
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private Cidrs() {}

    static void requireValid(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!LITERAL.matcher(address).matches()) {
            throw invalid(cidr);
        }
        try {
            int bits = InetAddress.getByName(address).getAddress().length * 8;
            int prefix = slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1));
            if (prefix < 0 || prefix > bits) {
                throw invalid(cidr);
            }
        } catch (UnknownHostException | NumberFormatException e) {
            throw invalid(cidr);
        }
    }

    private static Invalid invalid(String cidr) {
        return new Invalid(Invalid.Kind.PARAMETER, "not a CIDR network: " + cidr);
    }
}
