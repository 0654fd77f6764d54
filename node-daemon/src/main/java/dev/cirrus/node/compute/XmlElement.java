package dev.cirrus.node.compute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal XML element tree that prints itself in libvirt's own style (two-space indent,
 * single-quoted attributes), so rendered domains read like {@code virsh dumpxml} and golden files
 * stay reviewable. Every name and value a user can influence goes through {@link #escape}.
 */
final class XmlElement {
    private final String name;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<XmlElement> children = new ArrayList<>();
    private String text;

    private XmlElement(String name) {
        this.name = name;
    }

    static XmlElement element(String name) {
        return new XmlElement(name);
    }

    /** Adds the attribute unless {@code value} is null, so optional attributes need no if. */
    XmlElement attr(String attribute, Object value) {
        if (value != null) {
            attributes.put(attribute, value.toString());
        }
        return this;
    }

    XmlElement text(Object value) {
        if (!children.isEmpty()) {
            throw new IllegalStateException("<" + name + "> mixes text and elements");
        }
        text = value == null ? null : value.toString();
        return this;
    }

    XmlElement child(XmlElement element) {
        if (text != null) {
            throw new IllegalStateException("<" + name + "> mixes text and elements");
        }
        children.add(element);
        return this;
    }

    /** Shorthand for a child holding only text: {@code <name>text</name>}. */
    XmlElement child(String childName, Object childText) {
        return child(element(childName).text(childText));
    }

    String render() {
        StringBuilder out = new StringBuilder();
        write(out, 0);
        return out.toString();
    }

    private void write(StringBuilder out, int depth) {
        out.append("  ".repeat(depth)).append('<').append(name);
        attributes.forEach((k, v) -> out.append(' ').append(k).append("='").append(escape(v, true)).append('\''));
        if (text == null && children.isEmpty()) {
            out.append("/>\n");
        } else if (text != null) {
            out.append('>').append(escape(text, false)).append("</").append(name).append(">\n");
        } else {
            out.append(">\n");
            children.forEach(c -> c.write(out, depth + 1));
            out.append("  ".repeat(depth)).append("</").append(name).append(">\n");
        }
    }

    /**
     * Escapes markup characters. Inside attributes, tab/CR/LF become character references too:
     * a parser would otherwise normalise them to spaces. Characters XML 1.0 cannot carry at all
     * (other control characters, lone surrogates) are refused rather than silently dropped,
     * because libvirt would reject the document later with a far less helpful error.
     */
    static String escape(String value, boolean inAttribute) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(inAttribute ? "&quot;" : "\"");
                case '\'' -> out.append(inAttribute ? "&apos;" : "'");
                case '\t', '\n', '\r' -> out.append(inAttribute ? "&#" + (int) c + ";" : String.valueOf(c));
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        throw new IllegalArgumentException(String.format(
                                "character U+%04X cannot appear in XML (in \"%s\")", (int) c, printable(value)));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().forEach(cp -> {
            if (cp < 0x20 || Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
