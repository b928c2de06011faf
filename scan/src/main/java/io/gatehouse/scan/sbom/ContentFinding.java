package io.gatehouse.scan.sbom;

import io.gatehouse.core.scan.Severity;
import java.util.Objects;

/**
 * Something wrong found in the content itself rather than through an advisory: a pickle that imports a dangerous
 * callable, or a layer refused by the extraction limits (a decompression bomb, too many entries).
 *
 * @param id a stable rule id, e.g. {@code GATEHOUSE-PICKLE-GLOBAL}, {@code GATEHOUSE-LAYER-LIMIT}
 * @param detail what was found, for people, e.g. {@code imports os.system}
 * @param subject what it is about, e.g. the offending global {@code posix.system} or the limit exceeded
 */
public record ContentFinding(String id, Severity severity, String subject, String detail, String layer, String path) {
    public ContentFinding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        subject = subject == null ? "" : subject;
        detail = detail == null ? "" : detail;
        layer = layer == null ? "" : layer;
        path = path == null ? "" : path;
    }
}
