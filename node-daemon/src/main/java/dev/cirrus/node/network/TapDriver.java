package dev.cirrus.node.network;

/**
 * A VM interface's tap: created persistent (QEMU or libvirt {@code managed='no'} opens it later),
 * or, when a device with that name already exists (a pre-made tap or a test's veth), adopted as is.
 */
public final class TapDriver {
    private final NodeHost node;
    private final LinkDriver links;

    public TapDriver(NodeHost node, LinkDriver links) {
        this.node = node;
        this.links = links;
    }

    public void create(Action.CreateTap action) {
        if (!links.exists(action.name())) {
            node.run("ip", "tuntap", "add", "dev", action.name(), "mode", "tap");
        }
        links.attach(action.name(), action.bridge(), action.mtu());
    }
}
