package dev.cirrus.node.compute;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One guest NIC (virtio), in guest order.
 *
 * @param tap         host tap device name (at most 15 characters, the kernel's IFNAMSIZ - 1)
 * @param mac         guest MAC address, e.g. 52:54:00:12:34:56
 * @param mtu         MTU of both ends, or null for libvirt's default
 * @param attachment  how the host end is wired
 * @param bridge      Linux or OVS bridge name; null for {@link NicAttachment#ETHERNET_TAP}
 * @param vlanTag     OVS access VLAN tag, or null; only for {@link NicAttachment#OVS_BRIDGE}
 * @param offloadsOff turn checksum/segmentation offloads off on both ends. Needed on a userspace
 *                    (netdev) OVS datapath, where offloaded packets leave with bad checksums:
 *                    ping works but TCP silently fails (NOTES.md)
 */
public record DomainNic(String tap, String mac, Integer mtu, NicAttachment attachment, String bridge,
                        Integer vlanTag, boolean offloadsOff) {
    private static final Pattern MAC = Pattern.compile("^([0-9a-f]{2}:){5}[0-9a-f]{2}$");
    private static final Pattern DEVICE_NAME = Pattern.compile("^[^\\s/:]{1,15}$");

    public DomainNic {
        Objects.requireNonNull(attachment, "attachment");
        if (tap == null || !DEVICE_NAME.matcher(tap).matches()) {
            throw new IllegalArgumentException("tap must be 1-15 characters without whitespace, '/' or ':': " + tap);
        }
        // libvirt reserves these prefixes for names it generates and replaces them silently.
        if (tap.startsWith("vnet") || tap.startsWith("macvtap") || tap.startsWith("macvlan")) {
            throw new IllegalArgumentException("tap must not start with vnet, macvtap or macvlan (reserved by libvirt): " + tap);
        }
        if (mac == null || !MAC.matcher(mac.toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException("mac must look like 52:54:00:12:34:56: " + mac);
        }
        mac = mac.toLowerCase(Locale.ROOT);
        if (mtu != null && (mtu < 68 || mtu > 65535)) {
            throw new IllegalArgumentException("mtu must be between 68 and 65535: " + mtu);
        }
        boolean needsBridge = attachment != NicAttachment.ETHERNET_TAP;
        if (needsBridge && (bridge == null || !DEVICE_NAME.matcher(bridge).matches())) {
            throw new IllegalArgumentException(attachment + " needs a bridge name of 1-15 characters: " + bridge);
        }
        if (!needsBridge && bridge != null) {
            throw new IllegalArgumentException("ETHERNET_TAP takes no bridge: the tap is plugged by the node daemon");
        }
        if (vlanTag != null && attachment != NicAttachment.OVS_BRIDGE) {
            throw new IllegalArgumentException("a VLAN tag needs an OVS_BRIDGE attachment");
        }
        if (vlanTag != null && (vlanTag < 0 || vlanTag > 4095)) {
            throw new IllegalArgumentException("vlanTag must be between 0 and 4095: " + vlanTag);
        }
    }

    public static DomainNic ethernetTap(String tap, String mac, Integer mtu, boolean offloadsOff) {
        return new DomainNic(tap, mac, mtu, NicAttachment.ETHERNET_TAP, null, null, offloadsOff);
    }

    public static DomainNic linuxBridge(String tap, String mac, Integer mtu, String bridge) {
        return new DomainNic(tap, mac, mtu, NicAttachment.LINUX_BRIDGE, bridge, null, false);
    }

    public static DomainNic ovsBridge(String tap, String mac, Integer mtu, String bridge, Integer vlanTag, boolean offloadsOff) {
        return new DomainNic(tap, mac, mtu, NicAttachment.OVS_BRIDGE, bridge, vlanTag, offloadsOff);
    }
}
