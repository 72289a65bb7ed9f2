package io.meshgate.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads Kubernetes manifests with the fabric8 model, strictly: the kind must be one the model knows,
 * values must have the model's types, and no field may be unknown anywhere in the object (fabric8 keeps
 * unknown fields in {@code additionalProperties} instead of failing; this looks into every one).
 */
final class StrictManifests {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StrictManifests() {}

    /** Parses one manifest file (one document); a kustomize {@code $patch: delete} marker is allowed. */
    static HasMetadata parse(Path file) {
        String yaml = read(file);
        Map<String, Object> raw = new Yaml().load(yaml);
        if (raw == null) {
            throw new AssertionError(file + ": empty manifest");
        }
        if (raw.containsKey("$patch")) {
            if (!"delete".equals(raw.get("$patch"))) {
                throw new AssertionError(file + ": only '$patch: delete' is expected, not " + raw.get("$patch"));
            }
            Map<String, Object> withoutMarker = new LinkedHashMap<>(raw);
            withoutMarker.remove("$patch");
            yaml = new Yaml().dump(withoutMarker);
        }
        Object parsed;
        try {
            parsed = SERIALIZATION.unmarshal(yaml);
        } catch (RuntimeException e) {
            throw new AssertionError(file + ": does not match the Kubernetes model: " + e.getMessage(), e);
        }
        if (!(parsed instanceof HasMetadata resource) || parsed instanceof GenericKubernetesResource) {
            throw new AssertionError(file + ": unknown kind " + raw.get("apiVersion") + " " + raw.get("kind"));
        }
        List<String> unknown = new ArrayList<>();
        walk(resource, resource.getKind(), unknown, 0);
        if (!unknown.isEmpty()) {
            throw new AssertionError(file + ": unknown fields:\n  " + String.join("\n  ", unknown));
        }
        return resource;
    }

    /** Whether the file is a kustomize {@code $patch: delete} patch. */
    static boolean isDeletePatch(Path file) {
        Map<String, Object> raw = new Yaml().load(read(file));
        return raw != null && "delete".equals(raw.get("$patch"));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(Object value, String path, List<String> unknown, int depth) {
        if (value == null || depth > 64) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                walk(item, path + "[" + index++ + "]", unknown, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, path + "." + key, unknown, depth + 1));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object property;
            try {
                property = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
                continue;
            }
            String name = getter.getName().substring(3);
            walk(
                    property,
                    path + "." + name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1),
                    unknown,
                    depth + 1);
        }
    }
}
