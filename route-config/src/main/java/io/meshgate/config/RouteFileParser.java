package io.meshgate.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses one route file: YAML text to SnakeYAML's node tree (which keeps the line and column of
 * every node), then the tree to model records by hand, so each error can say where it is. Never
 * throws for bad input; every problem is in {@link RouteFile#errors()}.
 */
final class RouteFileParser {

    /** Larger files are refused unread: a route file is kilobytes, a ConfigMap at most 1 MiB. */
    static final int MAX_CODE_POINTS = 3 * 1024 * 1024;

    // Guards against "billion laughs": an alias of a collection may be repeated only this often.
    private static final int MAX_ALIASES_FOR_COLLECTIONS = 100;
    private static final int MAX_NESTING_DEPTH = 50;
    private static final List<String> TOP_LEVEL_KEYS = List.of("upstreams", "routes", "eastWest");

    private RouteFileParser() {}

    static RouteFile parse(RouteSource source) {
        NodeReader reader = new NodeReader(source.name());
        Map<String, SourceLocation> declared = new LinkedHashMap<>();
        List<Upstream> upstreams = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        List<EastWest> eastWest = new ArrayList<>();
        Node root = compose(source.text(), reader);
        if (root != null && !isEmpty(root)) {
            bind(root, reader, declared, upstreams, routes, eastWest);
        }
        return new RouteFile(source.name(), declared, upstreams, routes, eastWest, reader.errors());
    }

    /** The file's only document, or null if it is empty or not valid YAML (an error is recorded). */
    private static Node compose(String text, NodeReader reader) {
        LoaderOptions options = new LoaderOptions();
        // The composer does not check duplicate keys; YamlMapping does. Keep SnakeYAML strict anyway.
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        try {
            Iterator<Node> documents =
                    new Yaml(options).composeAll(new StringReader(text)).iterator();
            if (!documents.hasNext()) {
                return null;
            }
            Node first = documents.next();
            if (documents.hasNext()) {
                reader.error(
                        reader.location(secondDocumentStart(text, options)),
                        "a route file holds one YAML document, found a second one; remove the '---' or split the file");
                return null;
            }
            return first;
        } catch (MarkedYAMLException e) {
            reader.error(reader.location(e.getProblemMark()), syntaxMessage(e, reader));
            return null;
        } catch (YAMLException e) {
            reader.error(SourceLocation.unknown(reader.file()), "invalid YAML: " + e.getMessage());
            return null;
        }
    }

    /** Where the second document starts: its {@code ---} line, which the user has to remove. */
    private static Mark secondDocumentStart(String text, LoaderOptions options) {
        int documents = 0;
        for (Event event : new Yaml(options).parse(new StringReader(text))) {
            if (event instanceof DocumentStartEvent && ++documents == 2) {
                return event.getStartMark();
            }
        }
        return null;
    }

    private static String syntaxMessage(MarkedYAMLException e, NodeReader reader) {
        String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
        StringBuilder message = new StringBuilder("invalid YAML: ").append(oneLine(problem));
        if (e.getContext() != null) {
            message.append(" (").append(oneLine(e.getContext()));
            if (e.getContextMark() != null) {
                message.append(" at line ")
                        .append(reader.location(e.getContextMark()).line());
            }
            message.append(')');
        }
        return message.toString();
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\n\\s*", " ");
    }

    private static boolean isEmpty(Node root) {
        return root instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
    }

    private static void bind(
            Node root,
            NodeReader reader,
            Map<String, SourceLocation> declared,
            List<Upstream> upstreams,
            List<Route> routes,
            List<EastWest> eastWest) {
        YamlMapping top =
                reader.mapping(root, "a mapping with keys 'upstreams' and 'routes'", "a route file", TOP_LEVEL_KEYS);
        if (top == null) {
            return;
        }
        if (top.has("upstreams")) {
            YamlMapping byName = reader.mapping(top.get("upstreams"), "a mapping of upstream names to upstreams");
            if (byName != null) {
                UpstreamBinder binder = new UpstreamBinder(reader);
                for (YamlMapping.Entry entry : byName.entries()) {
                    declared.put(entry.key(), reader.location(entry.keyNode()));
                    Upstream upstream = binder.bind(entry);
                    if (upstream != null) {
                        upstreams.add(upstream);
                    }
                }
            }
        }
        if (top.has("routes")) {
            List<Node> items = reader.list(top.get("routes"), "a list of routes");
            if (items != null) {
                RouteBinder binder = new RouteBinder(reader);
                for (Node item : items) {
                    Route route = binder.bind(item);
                    if (route != null) {
                        routes.add(route);
                    }
                }
            }
        }
        if (top.has("eastWest")) {
            List<Node> items = reader.list(top.get("eastWest"), "a list of eastWest entries");
            if (items != null) {
                EastWestBinder binder = new EastWestBinder(reader);
                for (Node item : items) {
                    EastWest entry = binder.bind(item);
                    if (entry != null) {
                        eastWest.add(entry);
                    }
                }
            }
        }
    }
}
