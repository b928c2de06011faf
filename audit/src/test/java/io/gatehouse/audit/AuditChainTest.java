package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.fixtures.AuditEntries;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast canonical form must hash exactly as the field-by-field one did, or existing logs stop verifying. */
class AuditChainTest {

    @Test
    void instantsPrintAsInstantToString() {
        var random = new SplittableRandom(4);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(-100_000_000_000L, 300_000_000_000L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant at = Instant.ofEpochSecond(seconds, nano);
            assertThat(AuditChain.instant(at)).isEqualTo(at.toString());
        }
        assertThat(AuditChain.instant(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
        Instant last = Instant.parse("9999-12-31T23:59:59.999999Z");
        assertThat(AuditChain.instant(last)).isEqualTo(last.toString());
        Instant past = Instant.parse("+10000-01-01T00:00:00Z");
        assertThat(AuditChain.instant(past)).isEqualTo(past.toString());
    }

    @Test
    void hashesMatchTheFieldByFieldCanonicalForm() throws Exception {
        AuditEntry pull = pull(Instant.parse("2026-12-05T08:13:27.123456Z"), "robot$bench+reader", "bench/app", null);
        AuditEntry admin = new AuditEntry(
                Instant.parse("2026-12-05T08:13:27Z"),
                "admin",
                "zoë",
                null,
                null,
                "::1",
                null,
                "project.create",
                "ünïcode",
                null,
                null,
                AuditEntry.ALLOWED,
                "x".repeat(1024),
                "req",
                Map.of("target", "project:ünïcode", "b", "", "a", "1"));
        for (AuditEntry e : new AuditEntry[] {pull, admin}) {
            assertThat(AuditChain.hash(AuditRecord.GENESIS, e)).isEqualTo(fieldByField(AuditRecord.GENESIS, e));
        }
    }

    /** Fields repeated from the previous record reuse its encoding: changed, equal or null ones must not. */
    @Test
    void repeatedFieldsHashAsIfEncodedAgain() throws Exception {
        Instant at = Instant.parse("2026-12-06T02:13:27.5Z");
        AuditEntry first = pull(at, "robot$bench+reader", "bench/app", "allowed by role reader");
        AuditEntry[] sequence = {
            first,
            first, // every field the same instance
            pull(at, first.principal(), "bench/other", first.reason()), // one field changed
            pull(at, new String(first.principal()), "bench/other", null), // equal, another instance; no reason
            pull(at, "zoë", "bench/other", "ünïcode reason"), // non-ASCII after ASCII in the same slot
            pull(at, "zoë", "bench/other", "ünïcode reason"),
            first
        };
        String previous = AuditRecord.GENESIS;
        for (AuditEntry e : sequence) {
            String hash = AuditChain.hash(previous, e);
            assertThat(hash).isEqualTo(fieldByField(previous, e));
            previous = hash;
        }
    }

    private static AuditEntry pull(Instant at, String principal, String repository, String reason) {
        return AuditEntries.pull(
                at, principal, repository, reason, java.util.UUID.randomUUID().toString());
    }

    /** The canonical form as the class comment defines it, one digest update per part. */
    private static String fieldByField(String previousHash, AuditEntry e) throws Exception {
        MessageDigest out = MessageDigest.getInstance("SHA-256");
        for (String s : new String[] {
            e.at().toString(),
            e.kind(),
            e.principal(),
            e.principalType(),
            e.authMethod(),
            e.sourceAddress(),
            e.userAgent(),
            e.action(),
            e.project(),
            e.repository(),
            e.reference(),
            e.result(),
            e.reason(),
            e.requestId(),
            Integer.toString(e.details().size())
        }) {
            field(out, s);
        }
        for (var d : e.details().entrySet()) {
            field(out, d.getKey());
            field(out, d.getValue());
        }
        field(out, previousHash);
        return HexFormat.of().formatHex(out.digest());
    }

    private static void field(MessageDigest out, String value) {
        if (value == null) {
            out.update("-\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.update(bytes);
        out.update((byte) '\n');
    }
}
