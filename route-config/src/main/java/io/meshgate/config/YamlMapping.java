package io.meshgate.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The entries of one YAML mapping, keyed by text, with duplicate keys reported and merge keys
 * ({@code <<: *base}) applied. SnakeYAML's composer keeps duplicates and merge keys as written (the
 * constructor, which we do not use, is what resolves them), so the binder does it here.
 */
final class YamlMapping {

    /** One entry: the key node (for locations) and the value node. */
    record Entry(String key, Node keyNode, Node value) {}

    private final MappingNode node;
    private final Map<String, Entry> entries;

    private YamlMapping(MappingNode node, Map<String, Entry> entries) {
        this.node = node;
        this.entries = entries;
    }

    /**
     * Reads a mapping node, reporting keys that are not text and duplicate keys. Explicit keys win
     * over merged ones; among merged mappings the first wins, as in the YAML merge-key spec.
     */
    static YamlMapping of(MappingNode node, NodeReader reader) {
        Map<String, Entry> explicit = new LinkedHashMap<>();
        Map<String, Entry> merged = new LinkedHashMap<>();
        collect(node, reader, explicit, merged, Collections.newSetFromMap(new IdentityHashMap<>()));
        Map<String, Entry> all = new LinkedHashMap<>(explicit);
        merged.forEach(all::putIfAbsent);
        return new YamlMapping(node, Collections.unmodifiableMap(all));
    }

    private static void collect(
            MappingNode node,
            NodeReader reader,
            Map<String, Entry> explicit,
            Map<String, Entry> merged,
            Set<MappingNode> visited) {
        // A merge may refer to an anchor that is still open (a recursive structure): stop there.
        if (!visited.add(node)) {
            return;
        }
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (keyNode.getTag().equals(Tag.MERGE)) {
                merge(tuple.getValueNode(), reader, merged, visited);
                continue;
            }
            if (!(keyNode instanceof ScalarNode scalar)) {
                reader.error(keyNode, "expected a text key, got " + NodeReader.describe(keyNode));
                continue;
            }
            String key = scalar.getValue();
            Entry previous = explicit.get(key);
            if (previous != null) {
                reader.error(
                        keyNode,
                        "duplicate key '" + key + "' (first at line "
                                + reader.location(previous.keyNode()).line() + ")");
                continue;
            }
            explicit.put(key, new Entry(key, keyNode, tuple.getValueNode()));
        }
    }

    private static void merge(Node value, NodeReader reader, Map<String, Entry> merged, Set<MappingNode> visited) {
        List<Node> sources = new ArrayList<>();
        if (value instanceof SequenceNode sequence) {
            sources.addAll(sequence.getValue());
        } else {
            sources.add(value);
        }
        for (Node source : sources) {
            if (!(source instanceof MappingNode mapping)) {
                reader.error(source, "expected a mapping to merge with '<<', got " + NodeReader.describe(source));
                continue;
            }
            Map<String, Entry> explicit = new LinkedHashMap<>();
            Map<String, Entry> nested = new LinkedHashMap<>();
            collect(mapping, reader, explicit, nested, visited);
            explicit.forEach(merged::putIfAbsent);
            nested.forEach(merged::putIfAbsent);
        }
    }

    /** The mapping node itself, for errors about the mapping as a whole. */
    MappingNode node() {
        return node;
    }

    /** Entries in the order written (merged entries after explicit ones). */
    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value node of a key, or null if the key is absent. */
    Node get(String key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.value();
    }

    /** The key node of a key, or null if the key is absent. */
    Node keyNode(String key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.keyNode();
    }
}
