package dev.arbor.observer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which {@code Host} headers the observer answers. Bound to a loopback address, it answers only
 * the loopback names ({@code 127.0.0.1}, {@code localhost}, {@code [::1]} and the bound address)
 * with the bound port: a page elsewhere that points its own host name at 127.0.0.1 (DNS rebinding)
 * sends its own name and is refused. Bound to another address, the user chose to expose the view
 * and every Host is answered. Immutable.
 */
final class HostCheck {
    private final boolean any;
    private final Set<String> names;
    private final int port;

    private HostCheck(boolean any, Set<String> names, int port) {
        this.any = any;
        this.names = names;
        this.port = port;
    }

    static HostCheck forBinding(InetAddress address, int port) {
        if (!address.isLoopbackAddress()) {
            return new HostCheck(true, Set.of(), port);
        }
        Set<String> names = new HashSet<>(List.of("127.0.0.1", "localhost", "[::1]"));
        names.add(hostLiteral(address).toLowerCase(Locale.ROOT));
        return new HostCheck(false, Set.copyOf(names), port);
    }

    /** The address as it stands in a URL: IPv6 in brackets. */
    static String hostLiteral(InetAddress address) {
        String ip = address.getHostAddress();
        int scope = ip.indexOf('%');
        if (scope >= 0) {
            ip = ip.substring(0, scope);
        }
        return address instanceof Inet6Address ? "[" + ip + "]" : ip;
    }

    boolean allows(String hostHeader) {
        if (any) {
            return true;
        }
        if (hostHeader == null) {
            return false;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        int requestedPort = 80;
        if (colon >= 0 && colon > host.lastIndexOf(']')) {
            try {
                requestedPort = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            host = host.substring(0, colon);
        }
        return requestedPort == port && names.contains(host);
    }
}
