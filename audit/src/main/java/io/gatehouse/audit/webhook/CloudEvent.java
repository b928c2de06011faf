package io.gatehouse.audit.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A CloudEvents 1.0 event in the structured JSON mode.
 *
 * @param type the short type name (see {@link EventTypes}); the wire {@code type} carries the prefix
 * @param project the project it belongs to (project webhooks get only their project's events), empty for
 *     registry-wide events
 * @param data non-secret facts, JSON-serialisable values only
 */
public record CloudEvent(
        String id,
        String source,
        String type,
        Instant time,
        String subject,
        Optional<String> project,
        Map<String, Object> data) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(project, "project");
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The body sent to receivers (and signed). */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("specversion", "1.0");
        out.put("id", id);
        out.put("source", source);
        out.put("type", EventTypes.PREFIX + type);
        out.put("time", time.toString());
        if (subject != null) {
            out.put("subject", subject);
        }
        project.ifPresent(p -> out.put("gatehouseproject", p));
        out.put("datacontenttype", "application/json");
        out.put("data", data);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data is not serialisable", e);
        }
    }
}
