package dev.cirrus.node.image;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps Image URLs from reaching into the node itself: a tenant who can create an Image must not
 * make the node daemon fetch its own loopback services or the cloud's metadata endpoint (which
 * hands out credentials). Private RFC 1918 ranges stay allowed: internal mirrors live there.
 *
 * <p>The check resolves the host and refuses if any address is forbidden; the HTTP client then
 * resolves again, so a DNS answer that changes in between (rebinding) is not covered. Redirects
 * are checked hop by hop by the caller.
 */
final class DestinationGuard {
    /** Metadata services that are not link-local: Alibaba Cloud's IPv4 and AWS's IPv6 endpoint. */
    private static final Set<String> METADATA_ADDRESSES = Set.of("100.100.100.200", "fd00:ec2:0:0:0:0:0:254");

    interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final HostResolver resolver;

    DestinationGuard(HostResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * @throws ImageFetchException  for a URL that is not absolute http(s) or whose host is forbidden
     * @throws UnknownHostException when the host does not resolve (possibly a transient DNS failure)
     */
    void check(URI url, boolean allowPrivate) throws ImageFetchException, UnknownHostException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ImageFetchException(ImageFetchException.Reason.InvalidUrl,
                    "image URL must use http or https: " + url);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new ImageFetchException(ImageFetchException.Reason.InvalidUrl, "image URL has no host: " + url);
        }
        if (allowPrivate) {
            return;
        }
        for (InetAddress address : resolver.resolve(url.getHost())) {
            Optional<String> kind = forbiddenKind(address);
            if (kind.isPresent()) {
                String resolved = url.getHost().equals(address.getHostAddress()) ? ""
                        : " resolves to " + address.getHostAddress() + ", which";
                throw new ImageFetchException(ImageFetchException.Reason.ForbiddenAddress,
                        "refusing to download " + url + ": " + url.getHost() + resolved + " is a " + kind.get()
                                + " address; images may not come from loopback, link-local, unspecified or cloud"
                                + " metadata addresses unless the node allows private image sources");
            }
        }
    }

    static Optional<String> forbiddenKind(InetAddress address) {
        return classify(address).or(() -> embeddedIpv4(address).flatMap(DestinationGuard::classify));
    }

    private static Optional<String> classify(InetAddress effective) {
        if (effective.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (effective.isAnyLocalAddress() || effective instanceof Inet4Address && effective.getAddress()[0] == 0) {
            return Optional.of("unspecified");
        }
        if (METADATA_ADDRESSES.contains(effective.getHostAddress()) || effective.getHostAddress().equals("169.254.169.254")) {
            return Optional.of("cloud metadata");
        }
        if (effective.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (effective.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        return Optional.empty();
    }

    /** ::ffff:a.b.c.d is turned into IPv4 by Java already; the deprecated ::a.b.c.d is not. */
    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        if (address instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
            try {
                return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(v6.getAddress(), 12, 16)));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
