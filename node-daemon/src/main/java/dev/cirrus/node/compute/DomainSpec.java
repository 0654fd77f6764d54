package dev.cirrus.node.compute;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything one libvirt domain is rendered from; {@link DomainXmlRenderer} turns it into XML.
 * Paths are files on the node, already in place when the domain is defined.
 *
 * @param name       libvirt domain name (unique on the node)
 * @param uuid       libvirt domain UUID; must stay the same for the life of the VM, because
 *                   {@code virsh define} of an existing name with another (or no) UUID fails
 * @param owner      the VirtualMachine, written into the domain's metadata
 * @param type       kvm or qemu (TCG)
 * @param vcpus      virtual CPUs, at least 1
 * @param memoryMib  guest memory in MiB, at least 1
 * @param rootDisk   the boot disk (a qcow2 overlay), or null for a kernel-only VM
 * @param dataDisks  extra qcow2 disks, attached after the root disk in this order
 * @param seedIso    the NoCloud seed ISO (volume id cidata), or null
 * @param kernelBoot direct kernel boot, or null to boot the root disk through the firmware
 * @param nics       guest NICs in guest order
 * @param consoleLog file receiving the guest's serial console (ttyS0)
 */
public record DomainSpec(String name, String uuid, DomainOwner owner, DomainType type, int vcpus, long memoryMib,
                         Path rootDisk, List<Path> dataDisks, Path seedIso, DirectKernelBoot kernelBoot,
                         List<DomainNic> nics, Path consoleLog) {
    public DomainSpec {
        DomainOwner.requireText(name, "name");
        if (name.contains("/")) {
            throw new IllegalArgumentException("domain name must not contain '/': " + name);
        }
        Objects.requireNonNull(uuid, "uuid");
        if (!UUID.fromString(uuid).toString().equalsIgnoreCase(uuid)) {
            throw new IllegalArgumentException("uuid must be in canonical 8-4-4-4-12 form: " + uuid);
        }
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(type, "type");
        if (vcpus < 1) {
            throw new IllegalArgumentException("vcpus must be at least 1: " + vcpus);
        }
        if (memoryMib < 1) {
            throw new IllegalArgumentException("memoryMib must be at least 1: " + memoryMib);
        }
        if (rootDisk == null && kernelBoot == null) {
            throw new IllegalArgumentException("a domain needs a root disk or a direct kernel boot");
        }
        dataDisks = List.copyOf(dataDisks == null ? List.of() : dataDisks);
        nics = List.copyOf(nics == null ? List.of() : nics);
        if (nics.stream().map(DomainNic::tap).distinct().count() != nics.size()) {
            throw new IllegalArgumentException("NIC tap names must be unique");
        }
        if (nics.stream().map(DomainNic::mac).distinct().count() != nics.size()) {
            throw new IllegalArgumentException("NIC MAC addresses must be unique");
        }
        Objects.requireNonNull(consoleLog, "consoleLog");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads better than a twelve-argument constructor at call sites that leave most optional parts out. */
    public static final class Builder {
        private String name;
        private String uuid;
        private DomainOwner owner;
        private DomainType type;
        private int vcpus = 1;
        private long memoryMib;
        private Path rootDisk;
        private final List<Path> dataDisks = new ArrayList<>();
        private Path seedIso;
        private DirectKernelBoot kernelBoot;
        private final List<DomainNic> nics = new ArrayList<>();
        private Path consoleLog;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder uuid(String uuid) {
            this.uuid = uuid;
            return this;
        }

        public Builder owner(DomainOwner owner) {
            this.owner = owner;
            return this;
        }

        public Builder type(DomainType type) {
            this.type = type;
            return this;
        }

        public Builder vcpus(int vcpus) {
            this.vcpus = vcpus;
            return this;
        }

        public Builder memoryMib(long memoryMib) {
            this.memoryMib = memoryMib;
            return this;
        }

        public Builder rootDisk(Path rootDisk) {
            this.rootDisk = rootDisk;
            return this;
        }

        public Builder dataDisk(Path dataDisk) {
            dataDisks.add(dataDisk);
            return this;
        }

        public Builder seedIso(Path seedIso) {
            this.seedIso = seedIso;
            return this;
        }

        public Builder kernelBoot(DirectKernelBoot kernelBoot) {
            this.kernelBoot = kernelBoot;
            return this;
        }

        public Builder nic(DomainNic nic) {
            nics.add(nic);
            return this;
        }

        public Builder consoleLog(Path consoleLog) {
            this.consoleLog = consoleLog;
            return this;
        }

        public DomainSpec build() {
            return new DomainSpec(name, uuid, owner, type, vcpus, memoryMib, rootDisk, dataDisks, seedIso,
                    kernelBoot, nics, consoleLog);
        }
    }
}
