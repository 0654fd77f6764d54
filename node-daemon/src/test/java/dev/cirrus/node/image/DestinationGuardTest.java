package dev.cirrus.node.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DestinationGuardTest {
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals never touch DNS
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void addressesThatReachIntoTheNodeOrTheCloudAreForbidden() {
        Map<String, String> forbidden = Map.ofEntries(
                Map.entry("127.0.0.1", "loopback"), Map.entry("127.8.9.10", "loopback"), Map.entry("::1", "loopback"),
                Map.entry("::ffff:127.0.0.1", "loopback"), Map.entry("0.0.0.0", "unspecified"),
                Map.entry("0.1.2.3", "unspecified"), Map.entry("::", "unspecified"),
                Map.entry("169.254.169.254", "cloud metadata"), Map.entry("100.100.100.200", "cloud metadata"),
                Map.entry("fd00:ec2::254", "cloud metadata"), Map.entry("169.254.1.1", "link-local"),
                Map.entry("fe80::1", "link-local"), Map.entry("::169.254.169.254", "cloud metadata"),
                Map.entry("224.0.0.1", "multicast"));
        forbidden.forEach((address, kind) ->
                assertThat(DestinationGuard.forbiddenKind(ip(address))).as(address).contains(kind));
    }

    @Test
    void publicAndPrivateNetworkAddressesAreAllowed() {
        for (String address : new String[] {"93.184.216.34", "10.1.2.3", "192.168.88.10", "172.16.0.1", "2001:db8::1", "fd12::1"}) {
            assertThat(DestinationGuard.forbiddenKind(ip(address))).as(address).isEmpty();
        }
    }

    @Test
    void aHostWithAnyForbiddenAddressIsRefusedNamingTheAddress() {
        DestinationGuard guard = new DestinationGuard(host -> new InetAddress[] {ip("93.184.216.34"), ip("169.254.169.254")});

        assertThatThrownBy(() -> guard.check(URI.create("https://images.example/debian.qcow2"), false))
                .isInstanceOf(ImageFetchException.class)
                .hasMessageStartingWith("refusing to download https://images.example/debian.qcow2: images.example resolves to "
                        + "169.254.169.254, which is a cloud metadata address;");
    }

    @Test
    void allowingPrivateSourcesSkipsTheLookup() {
        DestinationGuard guard = new DestinationGuard(host -> {
            throw new AssertionError("must not resolve");
        });
        assertThatCode(() -> guard.check(URI.create("http://localhost:8080/x"), true)).doesNotThrowAnyException();
    }

    @Test
    void onlyHttpAndHttpsWithAHostAreAccepted() {
        DestinationGuard guard = new DestinationGuard(host -> new InetAddress[] {ip("93.184.216.34")});
        assertThatCode(() -> guard.check(URI.create("HTTPS://images.example/x"), false)).doesNotThrowAnyException();
        assertThatThrownBy(() -> guard.check(URI.create("file:///etc/shadow"), true))
                .hasMessage("image URL must use http or https: file:///etc/shadow");
        assertThatThrownBy(() -> guard.check(URI.create("http:///x"), true)).hasMessage("image URL has no host: http:///x");
    }
}
