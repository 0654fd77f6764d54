package dev.cirrus.node.agent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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

    static SeedRequest seed(VirtualMachine vm, Map<String, OverlayNetwork> networksByKey) {
        var cloudInit = vm.getSpec().cloudInit;
        String hostname = cloudInit != null && cloudInit.hostname != null ? cloudInit.hostname : vm.getMetadata().getName();
        String userData = cloudInit == null ? null : cloudInit.userData;
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

    static DomainSpec domain(VirtualMachine vm, DomainType type, Path dir, Path rootDisk, DirectKernelBoot kernelBoot) {
        DomainSpec.Builder b = DomainSpec.builder()
                .name(domainName(vm))
                .uuid(domainUuid(vm))
                .owner(new DomainOwner(vm.getMetadata().getUid(), vm.getMetadata().getNamespace(), vm.getMetadata().getName(),
                        Optional.ofNullable(vm.getMetadata().getGeneration()).orElse(0L)))
                .type(type)
                .vcpus(Optional.ofNullable(vm.getSpec().cpu).orElse(1))
                .memoryMib(memoryMib(vm))
                .rootDisk(rootDisk)
                .kernelBoot(kernelBoot)
                .seedIso(dir.resolve("seed.iso"))
                .consoleLog(dir.resolve("console.log"));
        Optional.ofNullable(vm.getSpec().dataDisks).orElse(List.of()).forEach(d -> b.dataDisk(dataDisk(dir, d.name)));
        for (InterfaceStatus nic : interfaces(vm)) {
            b.nic(DomainNic.ethernetTap(InterfaceNames.tap(vm.getMetadata().getUid(), nic.name), nic.mac, null, false));
        }
        return b.build();
    }

    private static List<InterfaceStatus> interfaces(VirtualMachine vm) {
        return vm.getStatus() == null || vm.getStatus().interfaces == null ? List.of()
                : vm.getStatus().interfaces.stream().filter(i -> i.mac != null).toList();
    }
}
