package dev.cirrus.operator.ipam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Stable, unique, locally-administered unicast MACs. Derived from a seed (VM uid + interface) so
 * the same interface gets the same MAC again, and re-derived with a counter on a collision.
 */
public final class MacAddresses {
    private MacAddresses() {
    }

    public static String derive(String seed, Set<String> used) {
        for (int attempt = 0; ; attempt++) {
            String mac = candidate(seed + "#" + attempt);
            if (!used.contains(mac)) {
                return mac;
            }
        }
    }

    static String candidate(String seed) {
        byte[] hash = sha256(seed);
        byte[] mac = new byte[6];
        System.arraycopy(hash, 0, mac, 0, 6);
        // Locally administered (bit 1 set), unicast (bit 0 clear).
        mac[0] = (byte) ((mac[0] & 0xFC) | 0x02);
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
