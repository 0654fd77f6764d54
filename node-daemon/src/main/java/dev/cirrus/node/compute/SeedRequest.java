package dev.cirrus.node.compute;

import java.util.List;

/**
 * The inputs of one NoCloud seed.
 *
 * @param instanceId        the VM's UID: stable across restarts, new for a re-created VM, which is
 *                          exactly when cloud-init should run its once-per-instance modules again
 * @param hostname          guest hostname
 * @param userData          user-data as given inline or read from the Secret, or null
 * @param sshAuthorizedKeys keys for the guest's default user (may be empty)
 * @param interfaces        per-NIC network configuration, in guest order
 */
public record SeedRequest(String instanceId, String hostname, String userData, List<String> sshAuthorizedKeys,
                          List<GuestInterface> interfaces) {
    public SeedRequest {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("instanceId must not be blank");
        }
        if (hostname == null || hostname.isBlank()) {
            throw new IllegalArgumentException("hostname must not be blank");
        }
        sshAuthorizedKeys = List.copyOf(sshAuthorizedKeys == null ? List.of() : sshAuthorizedKeys);
        interfaces = List.copyOf(interfaces == null ? List.of() : interfaces);
        if (interfaces.stream().map(GuestInterface::mac).distinct().count() != interfaces.size()) {
            throw new IllegalArgumentException("interface MAC addresses must be unique");
        }
    }
}
