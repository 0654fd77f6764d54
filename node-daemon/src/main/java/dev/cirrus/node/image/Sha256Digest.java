package dev.cirrus.node.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** A SHA-256 value; prints as {@code sha256:<hex>}, the form Image.spec.checksum uses. */
public record Sha256Digest(String hex) {
    private static final String PREFIX = "sha256:";
    private static final Pattern HEX = Pattern.compile("^[0-9a-f]{64}$");

    public Sha256Digest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a SHA-256 is 64 lowercase hex digits: " + hex);
        }
    }

    /** Accepts {@code sha256:<hex>} or bare hex, in either case. */
    public static Sha256Digest parse(String checksum) {
        if (checksum == null) {
            throw new IllegalArgumentException("checksum must be 'sha256:' followed by 64 hex digits: null");
        }
        String value = checksum.strip().toLowerCase(Locale.ROOT);
        String hex = value.startsWith(PREFIX) ? value.substring(PREFIX.length()) : value;
        if (!HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("checksum must be 'sha256:' followed by 64 hex digits: " + checksum);
        }
        return new Sha256Digest(hex);
    }

    static Sha256Digest of(MessageDigest digest) {
        return new Sha256Digest(HexFormat.of().formatHex(digest.digest()));
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return PREFIX + hex;
    }
}
