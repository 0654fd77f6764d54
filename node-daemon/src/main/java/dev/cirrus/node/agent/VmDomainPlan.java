package dev.cirrus.node.agent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cirrus.api.CirrusApi;
import dev.cirrus.api.v1alpha1.OverlayNetwork;
import dev.cirrus.api.v1alpha1.VirtualMachine;
import dev.cirrus.api.v1alpha1.VirtualMachineStatus.InterfaceStatus;
import dev.cirrus.node.compute.DirectKernelBoot;
import dev.cirrus.node.compute.DomainNic;
import dev.cirrus.node.compute.DomainOwner;
import dev.cirrus.node.compute.DomainSpec;
import dev.cirrus.node.compute.DomainType;
import dev.cirrus.node.compute.GuestInterface;
import dev.cirrus.node.compute.SeedRequest;
import dev.cirrus.node.network.InterfaceNames;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;

/** Names, paths and the domain/seed description of one VM. Pure. */
final class VmDomainPlan {
    private VmDomainPlan() {
    }

    static String domainName(VirtualMachine vm) {
        return "cirrus-" + vm.getMetadata().getUid();
    }

    /** Stable for the life of the VM (redefinition keeps it), new for a VM re-created under the same name. */
    static String domainUuid(VirtualMachine vm) {
        return UUID.nameUUIDFromBytes(("cirrus-domain:" + vm.getMetadata().getUid()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static Path vmDir(Path root, String vmUid) {
        return root.resolve("vms").resolve(vmUid);
    }

    static long memoryMib(VirtualMachine vm) {
        String memory = Optional.ofNullable(vm.getSpec().memory).orElse("512Mi");
        return Math.max(64, Quantity.getAmountInBytes(new Quantity(memory)).longValue() / (1024 * 1024));
    }

    static Path dataDisk(Path dir, String name) {
        return dir.resolve("data-" + name + ".qcow2");
    }

    static long bytes(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity)).longValue();
    }

    /** The value of the VM's restart annotation (a new value asks for one restart), or null. */
    static String restartRequest(VirtualMachine vm) {
        Map<String, String> annotations = vm.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(CirrusApi.RESTART_ANNOTATION);
    }

    /**
     * Whether the VM asks for a restart its domain has not answered yet: the annotation has a value
     * and the domain's definition records another one (or none). An absent domain has nothing to
     * restart; its next definition records the value as answered.
     */
    static boolean restartPending(String requested, Optional<DomainOwner> domain) {
        return requested != null && domain.isPresent() && !requested.equals(domain.get().restart());
    }

    /**
     * The user-data: inline, or the Secret's key ({@code userdata} unless named) when the VM refers to one.
     *
     * @param secret the referenced Secret as read, or null when it does not exist (ignored without a reference)
     * @throws IllegalArgumentException when the Secret or its key is missing, with a message for the VM's owner
     */
    static String userData(VirtualMachine vm, Secret secret) {
        var cloudInit = vm.getSpec().cloudInit;
        if (cloudInit == null) {
            return null;
        }
        var ref = cloudInit.userDataSecretRef;
        if (ref == null) {
            return cloudInit.userData;
        }
        String key = ref.key == null ? "userdata" : ref.key;
        if (secret == null) {
            throw new IllegalArgumentException("user-data Secret " + ref.name + " not found");
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(key);
        if (encoded != null) {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
        // A Secret built in memory (not read back from the API server) may still carry stringData.
        String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
        if (plain == null) {
            throw new IllegalArgumentException("user-data Secret " + ref.name + " has no key " + key);
        }
        return plain;
    }

    /** @param userData the user-data, inline or already read from the VM's Secret, or null */
    static SeedRequest seed(VirtualMachine vm, Map<String, OverlayNetwork> networksByKey, String userData) {
        var cloudInit = vm.getSpec().cloudInit;
        String hostname = cloudInit != null && cloudInit.hostname != null ? cloudInit.hostname : vm.getMetadata().getName();
        List<String> keys = cloudInit == null ? List.of() : cloudInit.sshAuthorizedKeys;
        List<GuestInterface> nics = new ArrayList<>();
        for (InterfaceStatus nic : interfaces(vm)) {
            OverlayNetwork net = networksByKey.get(vm.getMetadata().getNamespace() + "/" + nic.network);
            if (nic.ip == null || net == null || net.getSpec() == null || net.getSpec().cidr == null) {
                nics.add(GuestInterface.dhcp(nic.mac, null));
                continue;
            }
            int prefix = Integer.parseInt(net.getSpec().cidr.substring(net.getSpec().cidr.indexOf('/') + 1));
            String gateway = net.getStatus() == null ? null : net.getStatus().gateway;
            nics.add(new GuestInterface(nic.mac, nic.ip, prefix, gateway, List.of(), null, net.getSpec().mtu));
        }
        return new SeedRequest(vm.getMetadata().getUid(), hostname, userData, keys, nics);
    }

    /**
     * @param node    the node whose daemon manages the domain (recorded for garbage collection)
     * @param restart the restart request this definition answers (recorded so it is answered once), or null
     * @param nicOffloadsOff the node switches in userspace (OVS netdev): offloaded packets would leave
     *                       with bad checksums (ping works, TCP silently fails), so NICs offload nothing
     */
    static DomainSpec domain(VirtualMachine vm, DomainType type, Path dir, Path rootDisk, DirectKernelBoot kernelBoot,
                             String node, String restart, boolean nicOffloadsOff) {
        DomainSpec.Builder b = DomainSpec.builder()
                .name(domainName(vm))
                .uuid(domainUuid(vm))
                .owner(new DomainOwner(vm.getMetadata().getUid(), vm.getMetadata().getNamespace(), vm.getMetadata().getName(),
                        Optional.ofNullable(vm.getMetadata().getGeneration()).orElse(0L), node, restart))
                .type(type)
                .vcpus(Optional.ofNullable(vm.getSpec().cpu).orElse(1))
                .memoryMib(memoryMib(vm))
                .rootDisk(rootDisk)
                .kernelBoot(kernelBoot)
                .seedIso(dir.resolve("seed.iso"))
                .consoleLog(dir.resolve("console.log"));
        Optional.ofNullable(vm.getSpec().dataDisks).orElse(List.of()).forEach(d -> b.dataDisk(dataDisk(dir, d.name)));
        for (InterfaceStatus nic : interfaces(vm)) {
            b.nic(DomainNic.ethernetTap(InterfaceNames.tap(vm.getMetadata().getUid(), nic.name), nic.mac, null, nicOffloadsOff));
        }
        return b.build();
    }

    private static List<InterfaceStatus> interfaces(VirtualMachine vm) {
        return vm.getStatus() == null || vm.getStatus().interfaces == null ? List.of()
                : vm.getStatus().interfaces.stream().filter(i -> i.mac != null).toList();
    }
}
