package dev.cirrus.node.compute;

import static dev.cirrus.node.compute.YamlScalar.quoted;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders the NoCloud seed (meta-data, user-data, network-config v2) of a VM. Pure.
 *
 * <p>SSH keys from the spec reach the guest's default user by one of two routes, chosen so that the
 * user's own user-data is never rewritten in a way that could change its meaning:
 * <ul>
 * <li>no user-data: a generated {@code #cloud-config} with {@code hostname} and {@code ssh_authorized_keys};</li>
 * <li>{@code #cloud-config} user-data without a top-level {@code ssh_authorized_keys}: that key is appended
 *     as a new top-level block, the rest is kept byte for byte;</li>
 * <li>anything else (the user's cloud-config already lists keys, a shell script, MIME multi-part, a
 *     Jinja template, a document that is indented, in flow style or has several YAML documents):
 *     user-data is left exactly as given and the keys go into meta-data {@code public-keys}, which
 *     cloud-init adds to the default user alongside any keys of the user-data. Merging two YAML
 *     lists as text is where a renderer would start breaking people's configs.</li>
 * </ul>
 *
 * <p>network-config uses a {@code routes} entry for the default route ({@code gateway4} is deprecated).
 * Every NIC with a gateway gets one, with metric 100 for eth0, 200 for eth1 and so on, so that the
 * first NIC wins without the others' routes conflicting.
 */
public final class CloudInitSeed {
    static final String CLOUD_CONFIG_HEADER = "#cloud-config";
    private static final Pattern TOP_LEVEL_KEYS = Pattern.compile("(?m)^ssh_authorized_keys\\s*:");
    private static final Pattern DOCUMENT_MARKER = Pattern.compile("(?m)^(---|\\.\\.\\.)(\\s.*)?$");

    public SeedFiles render(SeedRequest request) {
        List<String> keys = normalizedKeys(request.sshAuthorizedKeys());
        String given = request.userData();
        String userData;
        boolean keysInUserData;
        if (given == null || given.isBlank()) {
            userData = generatedCloudConfig(request.hostname(), keys);
            keysInUserData = true;
        } else if (!keys.isEmpty() && canAppendTopLevelKey(given)) {
            userData = given + (given.endsWith("\n") ? "" : "\n")
                    + "# ssh_authorized_keys added by Cirrus from spec.cloudInit.sshAuthorizedKeys\n"
                    + keyBlock(keys);
            keysInUserData = true;
        } else {
            userData = given;
            keysInUserData = false;
        }
        return new SeedFiles(metaData(request, keysInUserData ? List.of() : keys), userData,
                networkConfig(request.interfaces()));
    }

    private static String metaData(SeedRequest request, List<String> publicKeys) {
        StringBuilder out = new StringBuilder()
                .append("instance-id: ").append(quoted(request.instanceId())).append('\n')
                .append("local-hostname: ").append(quoted(request.hostname())).append('\n');
        if (!publicKeys.isEmpty()) {
            out.append("public-keys:\n");
            publicKeys.forEach(k -> out.append("  - ").append(quoted(k)).append('\n'));
        }
        return out.toString();
    }

    private static String generatedCloudConfig(String hostname, List<String> keys) {
        StringBuilder out = new StringBuilder(CLOUD_CONFIG_HEADER).append('\n')
                .append("hostname: ").append(quoted(hostname)).append('\n');
        if (!keys.isEmpty()) {
            out.append(keyBlock(keys));
        }
        return out.toString();
    }

    private static String keyBlock(List<String> keys) {
        StringBuilder out = new StringBuilder("ssh_authorized_keys:\n");
        keys.forEach(k -> out.append("  - ").append(quoted(k)).append('\n'));
        return out.toString();
    }

    /**
     * Whether a top-level key can be appended as text without changing what the rest means: a
     * single-document block mapping that starts at column 0 and does not list keys itself.
     */
    static boolean canAppendTopLevelKey(String userData) {
        String firstLine = userData.lines().findFirst().orElse("").strip();
        if (!firstLine.equals(CLOUD_CONFIG_HEADER)) {
            return false;
        }
        if (TOP_LEVEL_KEYS.matcher(userData).find() || DOCUMENT_MARKER.matcher(userData).find()) {
            return false;
        }
        return userData.lines().skip(1)
                .filter(l -> !l.isBlank() && !l.stripLeading().startsWith("#"))
                .findFirst()
                .map(l -> !Character.isWhitespace(l.charAt(0)) && l.charAt(0) != '{' && l.charAt(0) != '[')
                .orElse(true);
    }

    /** One key per entry: pasted blocks are split at line breaks, blanks and duplicates dropped. */
    static List<String> normalizedKeys(List<String> keys) {
        Set<String> out = new LinkedHashSet<>();
        keys.stream().flatMap(String::lines).map(String::strip).filter(k -> !k.isEmpty()).forEach(out::add);
        return List.copyOf(out);
    }

    private static String networkConfig(List<GuestInterface> interfaces) {
        StringBuilder out = new StringBuilder("version: 2\n");
        if (interfaces.isEmpty()) {
            return out.append("ethernets: {}\n").toString();
        }
        out.append("ethernets:\n");
        for (int i = 0; i < interfaces.size(); i++) {
            GuestInterface nic = interfaces.get(i);
            String name = "eth" + i;
            out.append("  ").append(name).append(":\n")
                    .append("    match:\n")
                    .append("      macaddress: ").append(quoted(nic.mac())).append('\n')
                    .append("    set-name: ").append(quoted(name)).append('\n');
            if (nic.usesDhcp()) {
                out.append("    dhcp4: true\n");
            } else {
                out.append("    dhcp4: false\n")
                        .append("    addresses:\n")
                        .append("      - ").append(quoted(nic.ip() + "/" + nic.prefixLength())).append('\n');
            }
            if (nic.gateway() != null) {
                out.append("    routes:\n")
                        .append("      - to: ").append(quoted("0.0.0.0/0")).append('\n')
                        .append("        via: ").append(quoted(nic.gateway())).append('\n')
                        .append("        metric: ").append(100 * (i + 1)).append('\n');
            }
            if (!nic.dnsServers().isEmpty() || nic.searchDomain() != null) {
                out.append("    nameservers:\n");
                if (!nic.dnsServers().isEmpty()) {
                    out.append("      addresses:\n");
                    nic.dnsServers().forEach(s -> out.append("        - ").append(quoted(s)).append('\n'));
                }
                if (nic.searchDomain() != null) {
                    out.append("      search:\n")
                            .append("        - ").append(quoted(nic.searchDomain())).append('\n');
                }
            }
            if (nic.mtu() != null) {
                out.append("    mtu: ").append(nic.mtu()).append('\n');
            }
        }
        return out.toString();
    }
}
