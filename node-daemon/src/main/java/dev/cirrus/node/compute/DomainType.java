package dev.cirrus.node.compute;

/** libvirt's {@code <domain type=...>}: hardware virtualisation (kvm) or QEMU's emulator (qemu, TCG). */
public enum DomainType {
    KVM("kvm"),
    /** TCG: slow but works where /dev/kvm does not (nested or PVM hosts, see NOTES.md). */
    QEMU("qemu");

    private final String xmlValue;

    DomainType(String xmlValue) {
        this.xmlValue = xmlValue;
    }

    public String xmlValue() {
        return xmlValue;
    }
}
