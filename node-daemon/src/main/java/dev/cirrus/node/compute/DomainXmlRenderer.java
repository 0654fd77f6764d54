package dev.cirrus.node.compute;

import static dev.cirrus.node.compute.XmlElement.element;

import java.nio.file.Path;

/**
 * Renders a {@link DomainSpec} as libvirt domain XML. Pure: the same spec always gives the same
 * text, so a planner can compare renderings and tests can pin them in golden files.
 *
 * <p>Fixed choices, each from something that failed or mattered on real hosts:
 * <ul>
 * <li>machine {@code pc} (i440fx): it has a built-in IDE controller, so the seed ISO sits on
 *     {@code hdc} (IDE secondary master, read-only cdrom) without adding a controller; q35 has no IDE
 *     and microvm stalls (NOTES.md). The cdrom never gets a boot order, so it cannot be booted.</li>
 * <li>disks are virtio {@code vda, vdb, ...}: the root disk first (when there is one), then the data
 *     disks in order. Every disk the node hands a domain is a qcow2 file it created (an overlay on
 *     an Image or an empty data disk), so the driver type is always qcow2.</li>
 * <li>{@code <acpi/>}: a graceful stop is an ACPI power-button press; without ACPI the guest ignores it.</li>
 * <li>{@code on_poweroff=destroy}, {@code on_reboot=restart}, {@code on_crash=destroy}: QEMU exits when
 *     the guest powers off or crashes, so libvirt's shut-off reason tells the node daemon which it was
 *     (see {@link RunStrategyDecision}); a guest reboot stays inside QEMU.</li>
 * <li>serial console to a file (serial and console name the same file, console being ttyS0),
 *     VNC on loopback with autoport; never {@code <graphics type='none'/>}, which libvirt rejects.</li>
 * <li>a virtio RNG fed from /dev/urandom: TCG guests otherwise wait a long time for entropy
 *     (ssh host keys, cloud-init).</li>
 * </ul>
 */
public final class DomainXmlRenderer {
    static final String MACHINE = "pc";
    static final String ARCH = "x86_64";
    static final String SEED_TARGET = "hdc";
    static final String SEED_BUS = "ide";

    public String render(DomainSpec spec) {
        XmlElement domain = element("domain").attr("type", spec.type().xmlValue())
                .child("name", spec.name())
                .child("uuid", spec.uuid())
                .child(element("metadata").child(DomainMetadata.ownerElement(spec.owner())))
                .child(element("memory").attr("unit", "MiB").text(spec.memoryMib()))
                .child(element("vcpu").attr("placement", "static").text(spec.vcpus()));
        if (spec.type() == DomainType.KVM) {
            // The host's CPU as is: what KvmProbe proved this host can run (TCG has its own model).
            domain.child(element("cpu").attr("mode", "host-passthrough").attr("check", "none"));
        }
        return domain
                .child(os(spec))
                .child(element("features").child(element("acpi")).child(element("apic")))
                .child(element("clock").attr("offset", "utc"))
                .child("on_poweroff", "destroy")
                .child("on_reboot", "restart")
                .child("on_crash", "destroy")
                .child(devices(spec))
                .render();
    }

    private static XmlElement os(DomainSpec spec) {
        XmlElement os = element("os")
                .child(element("type").attr("arch", ARCH).attr("machine", MACHINE).text("hvm"));
        DirectKernelBoot boot = spec.kernelBoot();
        if (boot != null) {
            os.child("kernel", boot.kernel());
            if (boot.initrd() != null) {
                os.child("initrd", boot.initrd());
            }
            if (boot.cmdline() != null) {
                os.child("cmdline", boot.cmdline());
            }
        }
        return os;
    }

    private static XmlElement devices(DomainSpec spec) {
        XmlElement devices = element("devices");
        int disk = 0;
        if (spec.rootDisk() != null) {
            XmlElement root = qcow2Disk(spec.rootDisk(), disk++);
            if (spec.kernelBoot() == null) {
                root.child(element("boot").attr("order", 1));
            }
            devices.child(root);
        }
        for (Path dataDisk : spec.dataDisks()) {
            devices.child(qcow2Disk(dataDisk, disk++));
        }
        if (spec.seedIso() != null) {
            devices.child(element("disk").attr("type", "file").attr("device", "cdrom")
                    .child(element("driver").attr("name", "qemu").attr("type", "raw"))
                    .child(element("source").attr("file", spec.seedIso()))
                    .child(element("target").attr("dev", SEED_TARGET).attr("bus", SEED_BUS))
                    .child(element("readonly")));
        }
        spec.nics().forEach(nic -> devices.child(nic(nic)));
        devices.child(element("serial").attr("type", "file")
                        .child(element("source").attr("path", spec.consoleLog()))
                        .child(element("target").attr("port", 0)))
                .child(element("console").attr("type", "file")
                        .child(element("source").attr("path", spec.consoleLog()))
                        .child(element("target").attr("type", "serial").attr("port", 0)))
                .child(element("graphics").attr("type", "vnc").attr("listen", "127.0.0.1").attr("autoport", "yes"))
                .child(element("rng").attr("model", "virtio")
                        .child(element("backend").attr("model", "random").text("/dev/urandom")));
        return devices;
    }

    private static XmlElement qcow2Disk(Path file, int index) {
        return element("disk").attr("type", "file").attr("device", "disk")
                .child(element("driver").attr("name", "qemu").attr("type", "qcow2"))
                .child(element("source").attr("file", file))
                .child(element("target").attr("dev", virtioDiskName(index)).attr("bus", "virtio"));
    }

    /** vda ... vdz, vdaa, vdab ...: the kernel's naming, which libvirt mirrors. */
    static String virtioDiskName(int index) {
        StringBuilder suffix = new StringBuilder();
        for (int i = index; i >= 0; i = i / 26 - 1) {
            suffix.insert(0, (char) ('a' + i % 26));
        }
        return "vd" + suffix;
    }

    private static XmlElement nic(DomainNic nic) {
        XmlElement xml = element("interface")
                .attr("type", nic.attachment() == NicAttachment.ETHERNET_TAP ? "ethernet" : "bridge")
                .child(element("mac").attr("address", nic.mac()));
        switch (nic.attachment()) {
            case ETHERNET_TAP -> xml.child(element("target").attr("dev", nic.tap()).attr("managed", "no"));
            case LINUX_BRIDGE -> xml.child(element("source").attr("bridge", nic.bridge()))
                    .child(element("target").attr("dev", nic.tap()));
            case OVS_BRIDGE -> {
                xml.child(element("source").attr("bridge", nic.bridge()))
                        .child(element("virtualport").attr("type", "openvswitch"));
                if (nic.vlanTag() != null) {
                    xml.child(element("vlan").child(element("tag").attr("id", nic.vlanTag())));
                }
                xml.child(element("target").attr("dev", nic.tap()));
            }
        }
        xml.child(element("model").attr("type", "virtio"));
        if (nic.offloadsOff()) {
            xml.child(element("driver")
                    .child(element("host").attr("csum", "off").attr("gso", "off").attr("tso4", "off")
                            .attr("tso6", "off").attr("ecn", "off").attr("ufo", "off"))
                    .child(element("guest").attr("csum", "off").attr("tso4", "off").attr("tso6", "off")
                            .attr("ecn", "off").attr("ufo", "off")));
        }
        if (nic.mtu() != null) {
            xml.child(element("mtu").attr("size", nic.mtu()));
        }
        return xml;
    }
}
