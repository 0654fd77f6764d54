package dev.cirrus.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Parses {@code ovs-vsctl --format=json} output (pure). OVSDB encodes values as JSON: a scalar,
 * {@code ["uuid", u]}, {@code ["set", [...]]} (a one-element set may come bare, an empty optional
 * is an empty set) and {@code ["map", [[k, v], ...]]}.
 */
public final class OvsDbParser {
    /** The columns {@link #parse} expects, per table, in the order of the list commands. */
    public static final String BRIDGE_COLUMNS = "name,datapath_type,ports,external_ids";
    public static final String PORT_COLUMNS = "_uuid,name,tag,protected,interfaces,external_ids";
    public static final String INTERFACE_COLUMNS = "_uuid,name,type,options,ofport,error,external_ids";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OvsDbParser() {
    }

    /** Three JSON documents, one per line: the Bridge, Port and Interface lists. */
    public static OvsDb parse(String stdout) {
        String[] tables = stdout.strip().split("\n");
        if (tables.length != 3) {
            throw new IllegalArgumentException("expected 3 ovs-vsctl tables, got " + tables.length + ": " + stdout);
        }
        Map<String, OvsDb.Bridge> bridges = new HashMap<>();
        for (JsonNode row : rows(tables[0])) {
            String name = row.get(0).asText();
            bridges.put(name, new OvsDb.Bridge(name, row.get(1).asText(), uuids(row.get(2)), map(row.get(3))));
        }
        Map<String, OvsDb.Port> ports = new HashMap<>();
        for (JsonNode row : rows(tables[1])) {
            String name = row.get(1).asText();
            ports.put(name, new OvsDb.Port(uuid(row.get(0)), name, optionalInt(row.get(2)), row.get(3).asBoolean(),
                    uuids(row.get(4)), map(row.get(5))));
        }
        Map<String, OvsDb.Interface> interfaces = new HashMap<>();
        for (JsonNode row : rows(tables[2])) {
            String name = row.get(1).asText();
            Optional<String> error = optional(row.get(5)).map(JsonNode::asText);
            interfaces.put(name, new OvsDb.Interface(uuid(row.get(0)), name, row.get(2).asText(), map(row.get(3)),
                    optionalInt(row.get(4)), error, map(row.get(6))));
        }
        return new OvsDb(bridges, ports, interfaces);
    }

    private static JsonNode rows(String document) {
        try {
            return JSON.readTree(document).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("unparseable ovs-vsctl JSON: " + document, e);
        }
    }

    private static boolean tagged(JsonNode value, String tag) {
        return value.isArray() && value.size() == 2 && tag.equals(value.get(0).asText(null));
    }

    private static String uuid(JsonNode value) {
        if (!tagged(value, "uuid")) {
            throw new IllegalArgumentException("not a uuid: " + value);
        }
        return value.get(1).asText();
    }

    /** A set of uuids; a single element may come bare. */
    private static Set<String> uuids(JsonNode value) {
        Set<String> out = new HashSet<>();
        if (tagged(value, "set")) {
            value.get(1).forEach(v -> out.add(uuid(v)));
        } else {
            out.add(uuid(value));
        }
        return out;
    }

    /** An optional column: an empty set when absent, else the bare value. */
    private static Optional<JsonNode> optional(JsonNode value) {
        if (tagged(value, "set")) {
            return value.get(1).isEmpty() ? Optional.empty() : Optional.of(value.get(1).get(0));
        }
        return Optional.of(value);
    }

    private static OptionalInt optionalInt(JsonNode value) {
        return optional(value).map(v -> OptionalInt.of(v.asInt())).orElse(OptionalInt.empty());
    }

    private static Map<String, String> map(JsonNode value) {
        if (!tagged(value, "map")) {
            throw new IllegalArgumentException("not a map: " + value);
        }
        Map<String, String> out = new HashMap<>();
        value.get(1).forEach(pair -> out.put(pair.get(0).asText(), pair.get(1).asText()));
        return out;
    }
}
