package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the published JSON Schema in step with the loader: the examples are valid for both, the
 * bad files marked {@code # schema: rejects} are invalid for both, and the other bad files (whose
 * mistakes a schema cannot express, such as an undefined upstream) are valid for the schema.
 */
class RouteSchemaTest {

    static final String SCHEMA = RouteConfigLoader.SCHEMA_RESOURCE;
    private static final String REJECTS = "# schema: rejects";

    private static JsonSchema schema;
    // Strict about duplicate keys, as editors are.
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = RouteSchemaTest.class.getResourceAsStream(SCHEMA)) {
            assertThat(in).as("schema on the classpath at %s", SCHEMA).isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in);
        }
    }

    static Stream<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ExamplesTest.EXAMPLES)) {
            // Only route files: an example directory may hold other files (upstream-tls/certs/*.pem).
            return files
                    .filter(Files::isRegularFile)
                    .filter(file ->
                            file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleFiles")
    void examplesAreValid(Path example) throws IOException {
        assertThat(validate(example)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshgate.config.BadFileCatalogueTest#badFiles")
    void schemaRejectsExactlyTheBadFilesMarkedForIt(Path bad) throws IOException {
        boolean marked = Files.readAllLines(bad).contains(REJECTS);

        List<String> problems = validate(bad);

        if (marked) {
            assertThat(problems).as("schema problems of %s", bad).isNotEmpty();
        } else {
            assertThat(problems)
                    .as("%s has a mistake the schema cannot see; mark it if it can", bad)
                    .isEmpty();
        }
    }

    @Test
    void someBadFilesAreMarkedForTheSchema() throws IOException {
        long marked = BadFileCatalogueTest.badFiles()
                .filter(file -> readLines(file).contains(REJECTS))
                .count();

        assertThat(marked).isGreaterThanOrEqualTo(20);
    }

    @Test
    void everyPropertyHasADescriptionForEditors() throws IOException {
        JsonNode root;
        try (InputStream in = RouteSchemaTest.class.getResourceAsStream(SCHEMA)) {
            root = new ObjectMapper().readTree(in);
        }
        List<String> checked = new ArrayList<>();
        List<String> undocumented = new ArrayList<>();
        collectProperties(root, root, "", checked, undocumented);

        assertThat(checked).as("properties found in the schema").hasSizeGreaterThan(25);
        assertThat(undocumented).isEmpty();
    }

    private static void collectProperties(
            JsonNode node, JsonNode root, String path, List<String> checked, List<String> undocumented) {
        if (node.isObject()) {
            JsonNode properties = node.get("properties");
            if (properties != null) {
                for (Map.Entry<String, JsonNode> property : properties.properties()) {
                    String name = path + "/properties/" + property.getKey();
                    checked.add(name);
                    if (!hasDescription(property.getValue(), root)) {
                        undocumented.add(name);
                    }
                }
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collectProperties(field.getValue(), root, path + "/" + field.getKey(), checked, undocumented);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectProperties(node.get(i), root, path + "/" + i, checked, undocumented);
            }
        }
    }

    private static boolean hasDescription(JsonNode property, JsonNode root) {
        if (property.has("description")) {
            return true;
        }
        JsonNode ref = property.get("$ref");
        return ref != null && root.at(ref.asText().substring(1)).has("description");
    }

    private static List<String> validate(Path file) throws IOException {
        JsonNode tree;
        try {
            tree = YAML.readTree(file.toFile());
        } catch (IOException e) {
            return List.of("not parseable by an editor: " + e.getMessage());
        }
        Set<ValidationMessage> messages = schema.validate(tree);
        return messages.stream().map(ValidationMessage::getMessage).toList();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
