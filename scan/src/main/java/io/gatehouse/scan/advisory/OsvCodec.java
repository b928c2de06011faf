package io.gatehouse.scan.advisory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gatehouse.scan.advisory.Advisory.Affected;
import io.gatehouse.scan.advisory.Advisory.Event;
import io.gatehouse.scan.advisory.Advisory.EventKind;
import io.gatehouse.scan.advisory.Advisory.PackageRef;
import io.gatehouse.scan.advisory.Advisory.Range;
import io.gatehouse.scan.advisory.Advisory.RangeType;
import io.gatehouse.scan.advisory.Advisory.SeverityScore;
import io.gatehouse.scan.advisory.wire.OsvRecordJson;
import io.gatehouse.scan.advisory.wire.OsvRecordJson.AffectedJson;
import io.gatehouse.scan.advisory.wire.OsvRecordJson.EventJson;
import io.gatehouse.scan.advisory.wire.OsvRecordJson.RangeJson;
import io.gatehouse.scan.advisory.wire.OsvRecordJson.SeverityJson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads OSV JSON records into {@link Advisory} values, bounded: a record larger than {@link #MAX_RECORD_BYTES} or
 * nested deeper than {@link #MAX_DEPTH} is refused before it is built, with a message naming its file.
 */
public final class OsvCodec {
    public static final int MAX_RECORD_BYTES = 4 << 20;
    public static final int MAX_DEPTH = 64;
    private static final int MAX_ID_LENGTH = 255;

    private final ObjectMapper mapper = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_RECORD_BYTES)
                            .build())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Reads at most {@link #MAX_RECORD_BYTES} of {@code in}; more is refused without reading on. */
    public byte[] readBounded(String source, InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_RECORD_BYTES + 1);
        if (bytes.length > MAX_RECORD_BYTES) {
            throw new InvalidAdvisoryException(
                    source, "advisory is larger than " + (MAX_RECORD_BYTES >> 20) + " MiB; refused");
        }
        return bytes;
    }

    /** Parses one record (bytes already bounded by {@link #readBounded}). */
    public Advisory parse(String source, byte[] json) {
        if (json.length > MAX_RECORD_BYTES) {
            throw new InvalidAdvisoryException(
                    source, "advisory is larger than " + (MAX_RECORD_BYTES >> 20) + " MiB; refused");
        }
        OsvRecordJson record;
        try {
            record = mapper.readValue(json, OsvRecordJson.class);
        } catch (StreamConstraintsException e) {
            throw new InvalidAdvisoryException(source, "JSON nested deeper than " + MAX_DEPTH + " levels; refused");
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof StreamConstraintsException) {
                throw new InvalidAdvisoryException(source, "JSON nested deeper than " + MAX_DEPTH + " levels; refused");
            }
            throw new InvalidAdvisoryException(source, "not valid OSV JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidAdvisoryException(source, "unreadable: " + e.getMessage());
        }
        if (record == null) {
            throw new InvalidAdvisoryException(source, "empty document");
        }
        return toAdvisory(source, record);
    }

    private static Advisory toAdvisory(String source, OsvRecordJson r) {
        if (r.id() == null || r.id().isBlank() || r.id().length() > MAX_ID_LENGTH) {
            throw new InvalidAdvisoryException(source, "missing or invalid \"id\"");
        }
        if (r.modified() == null) {
            throw new InvalidAdvisoryException(source, r.id() + " has no \"modified\" time");
        }
        List<Affected> affected = new ArrayList<>();
        for (AffectedJson a : nonNull(r.affected())) {
            if (a == null || a.pkg() == null) {
                continue; // a GIT-only entry without a package cannot match an installed package
            }
            if (blank(a.pkg().ecosystem()) || blank(a.pkg().name())) {
                throw new InvalidAdvisoryException(source, r.id() + ": affected package needs ecosystem and name");
            }
            affected.add(new Affected(
                    new PackageRef(a.pkg().ecosystem(), a.pkg().name(), a.pkg().purl()),
                    ranges(source, r.id(), a.ranges()),
                    nonNull(a.versions()).stream().filter(v -> v != null).toList(),
                    severities(a.severity()),
                    severityWord(a.ecosystemSpecific()).or(() -> severityWord(a.databaseSpecific()))));
        }
        return new Advisory(
                r.id(),
                time(source, r.id(), "modified", r.modified()),
                Optional.ofNullable(r.published()).map(t -> time(source, r.id(), "published", t)),
                Optional.ofNullable(r.withdrawn()).map(t -> time(source, r.id(), "withdrawn", t)),
                nonNull(r.aliases()).stream().filter(x -> x != null).toList(),
                r.summary(),
                severities(r.severity()),
                affected,
                severityWord(r.databaseSpecific()));
    }

    private static List<Range> ranges(String source, String id, List<RangeJson> ranges) {
        List<Range> out = new ArrayList<>();
        for (RangeJson range : nonNull(ranges)) {
            if (range == null || range.type() == null) {
                throw new InvalidAdvisoryException(source, id + ": a range has no type");
            }
            RangeType type;
            try {
                type = RangeType.valueOf(range.type().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidAdvisoryException(source, id + ": unknown range type " + range.type());
            }
            List<Event> events = new ArrayList<>();
            for (EventJson e : nonNull(range.events())) {
                events.add(event(source, id, e));
            }
            out.add(new Range(type, events));
        }
        return out;
    }

    private static Event event(String source, String id, EventJson e) {
        if (e != null) {
            if (e.introduced() != null) return new Event(EventKind.INTRODUCED, e.introduced());
            if (e.fixed() != null) return new Event(EventKind.FIXED, e.fixed());
            if (e.lastAffected() != null) return new Event(EventKind.LAST_AFFECTED, e.lastAffected());
            if (e.limit() != null) return new Event(EventKind.LIMIT, e.limit());
        }
        throw new InvalidAdvisoryException(
                source, id + ": a range event has none of introduced, fixed, last_affected, limit");
    }

    private static List<SeverityScore> severities(List<SeverityJson> list) {
        return nonNull(list).stream()
                .filter(s -> s != null && s.type() != null && s.score() != null)
                .map(s -> new SeverityScore(s.type(), s.score()))
                .toList();
    }

    /** {@code severity} (GitHub, Alpine) or {@code urgency} (Debian) as text, when the object has one. */
    private static Optional<String> severityWord(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        for (String field : List.of("severity", "urgency")) {
            JsonNode value = node.get(field);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                return Optional.of(value.asText());
            }
        }
        return Optional.empty();
    }

    private static Instant time(String source, String id, String field, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidAdvisoryException(source, id + ": \"" + field + "\" is not an RFC 3339 time: " + text);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
