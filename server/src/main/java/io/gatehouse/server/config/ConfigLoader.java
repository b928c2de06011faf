package io.gatehouse.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the configuration: defaults, then the YAML file, then {@code GATEHOUSE_*} environment variables,
 * then command-line flags; then validates it. Every error names the setting.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {}

    /** @param overrides dotted setting paths to values, from command-line flags */
    public static GatehouseConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        ObjectNode tree = YAML.valueToTree(GatehouseConfig.defaults());
        if (file != null) {
            merge(tree, readFile(file), "");
        }
        applyEnvironment(tree, "", env);
        overrides.forEach((path, value) -> set(tree, path, value));
        GatehouseConfig config;
        try {
            config = YAML.treeToValue(tree, GatehouseConfig.class);
        } catch (JsonMappingException e) {
            throw new ConfigException("invalid configuration: " + pathOf(e) + ": "
                    + e.getOriginalMessage().split("\n")[0]);
        } catch (JsonProcessingException e) {
            throw new ConfigException("invalid configuration: " + e.getOriginalMessage());
        }
        ConfigValidator.validate(config);
        return config;
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException("config file " + file + " must hold a mapping of settings");
            }
            return node;
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: "
                    + e.getMessage().split("\n")[0]);
        }
    }

    /** Copies file values onto the defaults, refusing settings that do not exist. */
    private static void merge(ObjectNode target, JsonNode source, String prefix) {
        for (var entry : source.properties()) {
            String path = prefix + entry.getKey();
            JsonNode existing = target.get(entry.getKey());
            if (existing == null) {
                throw new ConfigException("unknown setting '" + path + "'");
            }
            if (existing.isObject()) {
                if (!entry.getValue().isObject()) {
                    throw new ConfigException("invalid configuration: " + path + ": expected a mapping");
                }
                merge((ObjectNode) existing, entry.getValue(), path + ".");
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        }
    }

    private static void applyEnvironment(ObjectNode node, String prefix, Map<String, String> env) {
        for (var entry : node.properties()) {
            String path = prefix + entry.getKey();
            if (entry.getValue().isObject()) {
                applyEnvironment((ObjectNode) entry.getValue(), path + ".", env);
            } else {
                String value = env.get(envName(path));
                if (value != null) {
                    node.set(entry.getKey(), TextNode.valueOf(value));
                }
            }
        }
    }

    /** {@code storage.s3.accessKey} → {@code GATEHOUSE_STORAGE_S3_ACCESS_KEY}. */
    public static String envName(String path) {
        return "GATEHOUSE_"
                + java.util.Arrays.stream(path.split("\\."))
                        .map(s -> s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT))
                        .collect(Collectors.joining("_"));
    }

    private static void set(ObjectNode tree, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        node.set(parts[parts.length - 1], TextNode.valueOf(value));
    }

    private static String pathOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(JsonMappingException.Reference::getFieldName)
                .collect(Collectors.joining("."));
    }
}
