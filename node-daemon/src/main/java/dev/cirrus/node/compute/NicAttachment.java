package dev.cirrus.node.compute;

/** How a guest NIC's host end is wired; each value is one libvirt {@code <interface>} shape known to work here. */
public enum NicAttachment {
    /** A tap the node daemon created and plugged itself: {@code type='ethernet'}, {@code managed='no'}. */
    ETHERNET_TAP,
    /** libvirt creates the tap and enslaves it to a Linux bridge: {@code type='bridge'}. */
    LINUX_BRIDGE,
    /** libvirt creates the tap and adds it as an Open vSwitch port, optionally VLAN-tagged. */
    OVS_BRIDGE
}
