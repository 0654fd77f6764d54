package dev.cirrus.node.compute;

/**
 * Writes string values as YAML double-quoted scalars. cloud-init reads YAML 1.1 (PyYAML), where a
 * bare {@code 52:54:00:12:34:56} is a base-60 integer and {@code yes}, {@code off} or {@code 1e3} are
 * not strings either; quoting every value is simpler than knowing every such rule.
 */
final class YamlScalar {
    private YamlScalar() {
    }

    static String quoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        value.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x85 -> out.append("\\N");
                case 0x2028 -> out.append("\\L");
                case 0x2029 -> out.append("\\P");
                case 0xFEFF -> out.append("\\uFEFF");
                default -> {
                    // YAML allows only printable characters unescaped; C0, DEL and C1 controls are not.
                    if (cp < 0x20 || cp >= 0x7F && cp < 0xA0) {
                        out.append(String.format("\\x%02X", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}
