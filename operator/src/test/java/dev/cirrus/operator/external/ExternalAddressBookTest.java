package dev.cirrus.operator.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cirrus.api.v1alpha1.ExternalNetwork;
import dev.cirrus.api.v1alpha1.ExternalNetworkStatus;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus;
import dev.cirrus.operator.ipam.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExternalAddressBookTest {
    // .100-.104: five addresses; .101 recorded for node n1, .103 recorded for green/web eth0.
    private static final ExternalRange RANGE = ExternalRange.check("public",
            ExternalRangeTest.spec("203.0.113.0/24", "203.0.113.1", "203.0.113.100", "203.0.113.104")).range();
    private static final Holder ME = Holder.vmInterface("green/me", "eth0");
    private static final Holder N1 = Holder.node("n1");
    private static final Holder WEB = Holder.vmInterface("green/web", "eth0");

    private static Map<Ipv4, Holder> recorded() {
        return Map.of(ip("203.0.113.101"), N1, ip("203.0.113.103"), WEB);
    }

    @ParameterizedTest(name = "requested {0}, held {1} → {2} {3}")
    @CsvSource(nullValues = "-", value = {
            // dynamic: the lowest address neither recorded nor booked
            "-,             -,             203.0.113.100, -",
            // kept: an address the holder already has in status
            "-,             203.0.113.104, 203.0.113.104, -",
            // a held address someone else has now (hand-edited status) is not kept
            "-,             203.0.113.103, 203.0.113.100, -",
            // a held address outside a shrunk range is not kept
            "-,             203.0.113.150, 203.0.113.100, -",
            // static requests
            "203.0.113.102, -,             203.0.113.102, -",
            "203.0.113.102, 203.0.113.104, 203.0.113.102, -",
            "203.0.113.103, -,             -,             ExternalIPConflict",
            "203.0.113.101, -,             -,             ExternalIPConflict",
            "203.0.113.105, -,             -,             ExternalIPOutOfRange",
            "203.0.113.1,   -,             -,             ExternalIPOutOfRange",
            "198.51.100.7,  -,             -,             ExternalIPOutOfRange",
    })
    void grants(String requested, String held, String granted, String reason) {
        ExternalGrant grant = new ExternalAddressBook().grant(RANGE, ME, optional(requested), optional(held), recorded());
        assertThat(grant.ip() == null ? null : grant.ip().toString()).isEqualTo(granted);
        assertThat(grant.reason()).isEqualTo(reason);
    }

    @Test
    void refusalsSayWhy() {
        ExternalAddressBook book = new ExternalAddressBook();
        assertThat(book.grant(RANGE, ME, optional("203.0.113.103"), Optional.empty(), recorded()).message())
                .isEqualTo("203.0.113.103 is already used by green/web (interface eth0)");
        assertThat(book.grant(RANGE, ME, optional("203.0.113.101"), Optional.empty(), recorded()).message())
                .isEqualTo("203.0.113.101 is already used by node n1");
        assertThat(book.grant(RANGE, ME, optional("203.0.113.200"), Optional.empty(), recorded()).message())
                .isEqualTo("203.0.113.200 is outside allocationRange 203.0.113.100-203.0.113.104 of ExternalNetwork public");
    }

    @Test
    void grantsNotYetInStatusAreNeverHandedOutTwiceAndRunOut() {
        ExternalAddressBook book = new ExternalAddressBook();
        List<String> handedOut = new java.util.ArrayList<>();
        for (String vm : List.of("a", "b", "c")) {
            handedOut.add(book.grant(RANGE, Holder.vmInterface("green/" + vm, "eth0"), Optional.empty(), Optional.empty(), recorded())
                    .ip().toString());
        }
        assertThat(handedOut).containsExactly("203.0.113.100", "203.0.113.102", "203.0.113.104");
        assertThat(book.free(RANGE, recorded())).isZero();

        ExternalGrant exhausted = book.grant(RANGE, Holder.node("n2"), Optional.empty(), Optional.empty(), recorded());
        assertThat(exhausted.reason()).isEqualTo(ExternalGrant.EXHAUSTED);
        assertThat(exhausted.message()).isEqualTo("no free address left in allocationRange 203.0.113.100-203.0.113.104 of ExternalNetwork public");
    }

    @Test
    void aHolderKeepsItsGrantAndHasOnlyOnePerNetwork() {
        ExternalAddressBook book = new ExternalAddressBook();
        Ipv4 first = book.grant(RANGE, ME, Optional.empty(), Optional.empty(), Map.of()).ip();
        assertThat(book.grant(RANGE, ME, Optional.empty(), Optional.empty(), Map.of()).ip()).isEqualTo(first);
        // Asking for a specific address moves the holder there and frees the old one.
        assertThat(book.grant(RANGE, ME, optional("203.0.113.104"), Optional.empty(), Map.of()).ip()).hasToString("203.0.113.104");
        assertThat(book.holders("public", Map.of())).containsExactly(Map.entry(ip("203.0.113.104"), ME));
        assertThat(book.free(RANGE, Map.of())).isEqualTo(4);
    }

    @Test
    void twoRequestsForOneAddressExactlyOneWins() {
        ExternalAddressBook book = new ExternalAddressBook();
        ExternalGrant left = book.grant(RANGE, Holder.vmInterface("green/left", "eth0"), optional("203.0.113.102"), Optional.empty(), Map.of());
        ExternalGrant right = book.grant(RANGE, Holder.vmInterface("green/right", "eth0"), optional("203.0.113.102"), Optional.empty(), Map.of());
        assertThat(left.granted()).isTrue();
        assertThat(right.reason()).isEqualTo(ExternalGrant.CONFLICT);
        assertThat(right.message()).isEqualTo("203.0.113.102 is already used by green/left (interface eth0)");
    }

    @Test
    void releasedAddressesAreReused() {
        ExternalAddressBook book = new ExternalAddressBook();
        Holder a = Holder.vmInterface("green/a", "eth0");
        assertThat(book.grant(RANGE, a, Optional.empty(), Optional.empty(), Map.of()).ip()).hasToString("203.0.113.100");
        assertThat(book.grant(RANGE, N1, Optional.empty(), Optional.empty(), Map.of()).ip()).hasToString("203.0.113.101");

        book.release((network, holder) -> holder.ofVm("green/a"));
        assertThat(book.grant(RANGE, Holder.vmInterface("green/b", "eth0"), Optional.empty(), Optional.empty(), Map.of()).ip())
                .hasToString("203.0.113.100");
        book.forget("public");
        assertThat(book.holders("public", Map.of())).isEmpty();
    }

    @Test
    void afterARestartTheBookIsRebuiltFromStatus() {
        ExternalNetwork network = new ExternalNetwork();
        network.getMetadata().setName("public");
        network.setStatus(new ExternalNetworkStatus());
        ExternalNetworkStatus.NodeAddress n1 = new ExternalNetworkStatus.NodeAddress();
        n1.node = "n1";
        n1.address = "203.0.113.101";
        network.getStatus().nodes.add(n1);
        VirtualMachine web = vm("green", "web", "eth0", "203.0.113.103", "public");
        VirtualMachine other = vm("blue", "db", "eth0", "198.51.100.5", "elsewhere");
        VirtualMachine broken = vm("blue", "bad", "eth0", "not-an-ip", "public");

        Map<String, Map<Ipv4, Holder>> recorded = RecordedAddresses.of(List.of(network), List.of(web, other, broken));
        assertThat(recorded.get("public")).isEqualTo(recorded());
        assertThat(recorded.get("elsewhere")).containsExactly(Map.entry(ip("198.51.100.5"), Holder.vmInterface("blue/db", "eth0")));

        ExternalAddressBook fresh = new ExternalAddressBook();
        assertThat(fresh.grant(RANGE, WEB, Optional.empty(), optional("203.0.113.103"), recorded.get("public")).ip())
                .hasToString("203.0.113.103");
        assertThat(fresh.grant(RANGE, ME, Optional.empty(), Optional.empty(), recorded.get("public")).ip()).hasToString("203.0.113.100");
        assertThat(fresh.free(RANGE, recorded.get("public"))).isEqualTo(2);
    }

    private static VirtualMachine vm(String namespace, String name, String nic, String externalIP, String externalNetwork) {
        VirtualMachine vm = new VirtualMachine();
        vm.getMetadata().setNamespace(namespace);
        vm.getMetadata().setName(name);
        vm.setStatus(new VirtualMachineStatus());
        VirtualMachineStatus.InterfaceStatus status = new VirtualMachineStatus.InterfaceStatus();
        status.name = nic;
        status.externalIP = externalIP;
        status.externalNetwork = externalNetwork;
        vm.getStatus().interfaces = new java.util.ArrayList<>(List.of(status));
        return vm;
    }

    private static Optional<Ipv4> optional(String ip) {
        return Optional.ofNullable(ip).map(Ipv4::parse);
    }

    private static Ipv4 ip(String text) {
        return Ipv4.parse(text);
    }
}
