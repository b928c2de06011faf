package io.gatehouse.scan.advisory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How current the advisory database is.
 *
 * @param importedAt the last import; empty when nothing was ever imported
 * @param source where the last import came from
 * @param age time since the last import (empty when never imported)
 * @param stale true when never imported or older than {@code maxAge}
 */
public record AdvisoryStatus(
        Optional<Instant> importedAt,
        Optional<String> source,
        long advisories,
        Optional<Duration> age,
        Duration maxAge,
        boolean stale,
        String version) {}
