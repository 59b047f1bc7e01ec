package dev.repoworker.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * URL hosts that are numbers. Parsers disagree about IPv4 written any way but four decimal numbers:
 * {@code 0177.0.0.1} is 127.0.0.1 to curl (octal) and 177.0.0.1 to Java; {@code 2130706433},
 * {@code 0x7f.1} and {@code 127.1} are loopback to curl and browsers. So a host that ends in a number
 * (the WHATWG URL rule: its last label is decimal digits, or {@code 0x} and hex digits) must be a
 * canonical dotted quad, or it is refused, whatever the configuration: a canonical form always exists.
 */
public final class NumericHosts {

    private static final Pattern NUMBER = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");
    private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");

    private NumericHosts() {}

    /**
     * True when the last label of {@code host} (a trailing dot aside) is a number: URL parsers read it as
     * IPv4. IPv6 literals (with a colon, bracketed or not) are not IPv4 forms.
     */
    public static boolean endsInNumber(String host) {
        if (host.contains(":")) {
            return false;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = name.substring(name.lastIndexOf('.') + 1);
        return NUMBER.matcher(last).matches();
    }

    /** True for four decimal numbers 0–255 without leading zeros, such as {@code 192.0.2.1}. */
    public static boolean isCanonicalIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!OCTET.matcher(part).matches() || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Why {@code host} is refused, or empty: a host ending in a number must be a canonical dotted quad. */
    public static Optional<String> problem(String host) {
        if (host == null || !endsInNumber(host) || isCanonicalIpv4(host)) {
            return Optional.empty();
        }
        return Optional.of("host '" + host + "' is a numeric address not written as four decimal numbers "
                + "(like 192.0.2.1); decimal, octal, hex and short forms are refused");
    }
}
