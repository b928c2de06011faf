package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.AuditChain;
import io.gatehouse.audit.AuditSigningKey;
import io.gatehouse.audit.AuditVerifier;
import io.gatehouse.audit.AuditVerifier.Problem;
import io.gatehouse.audit.AuditWriter;
import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditQuery;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.audit.AuditStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit store on both engines, and the tamper evidence it exists for: records are edited, deleted,
 * reordered and inserted with plain SQL, as someone with database access would, and the verifier must name the
 * record each time.
 */
abstract class AuditStoreContract extends StoreContractBase {
    @TempDir
    Path keys;

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock();
    AuditWriter writer;

    @AfterEach
    void closeWriter() {
        if (writer != null) {
            writer.close();
        }
    }

    AuditStore audit() {
        return store.audit();
    }

    Jdbi jdbi() {
        return ((JdbcMetadataStore) store).jdbi();
    }

    AuditSigningKey key() {
        return AuditSigningKey.loadOrCreate(keys.resolve("audit-signing.key"));
    }

    static AuditEntry entry(int n, String result) {
        return new AuditEntry(
                T0.plusSeconds(n),
                "access",
                n % 2 == 0 ? "alice" : "robot$team+ci",
                n % 2 == 0 ? "user" : "robot",
                n % 2 == 0 ? "basic" : "bearer",
                "10.0.0." + n,
                "docker/27",
                n % 3 == 0 ? "push" : "pull",
                "team",
                n % 4 == 0 ? "team/other" : "team/app",
                "sha256:" + "a".repeat(64),
                result,
                "role reader on project team",
                "req-" + n,
                Map.of("n", Integer.toString(n)));
    }

    /** A query on action, result and request id only (null: any). */
    static AuditQuery only(String action, String result, String requestId) {
        return new AuditQuery(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.ofNullable(action),
                Optional.ofNullable(result),
                Optional.ofNullable(requestId));
    }

    /** {@code count} records through the writer, a checkpoint every {@code every}. */
    void write(int count, int every) {
        writer = new AuditWriter(
                audit(), key(), new AuditWriter.Settings(every, Duration.ofHours(1), Duration.ofDays(365)), clock);
        for (int i = 1; i <= count; i++) {
            writer.append(entry(i, i % 5 == 0 ? AuditEntry.DENIED : AuditEntry.ALLOWED));
        }
    }

    AuditVerifier.Result verify() {
        return new AuditVerifier(audit(), key()).verify();
    }

    void sql(String statement) {
        jdbi().useHandle(h -> h.execute(statement));
    }

    // ---------------------------------------------------------------------------------------------- storage

    @Test
    void recordsComeBackAsWritten() {
        AuditEntry full = entry(2, AuditEntry.ALLOWED);
        AuditEntry sparse = new AuditEntry(
                T0,
                "anomaly",
                null,
                null,
                null,
                null,
                null,
                "pull-rate-spike",
                null,
                null,
                null,
                null,
                "spike",
                null,
                Map.of());
        AuditRecord first = AuditChain.next(1, AuditRecord.GENESIS, full);
        AuditRecord second = AuditChain.next(2, first.hash(), sparse);
        audit().append(List.of(first, second));

        assertThat(audit().after(0, 10)).containsExactly(first, second);
        assertThat(audit().last()).contains(second);
        assertThat(audit().after(1, 10)).containsExactly(second);
    }

    @Test
    void aSecondWriterOnTheSameHeadCannotForkTheChain() {
        AuditRecord first = AuditChain.next(1, AuditRecord.GENESIS, entry(1, AuditEntry.ALLOWED));
        audit().append(List.of(first));
        AuditRecord mine = AuditChain.next(2, first.hash(), entry(2, AuditEntry.ALLOWED));
        AuditRecord theirs = AuditChain.next(2, first.hash(), entry(3, AuditEntry.ALLOWED));
        audit().append(List.of(mine));

        assertThatThrownBy(() -> audit().append(List.of(theirs))).isInstanceOf(AuditStore.SequenceTaken.class);
        assertThatThrownBy(() -> audit().append(List.of(AuditChain.next(5, mine.hash(), entry(5, "allowed")))))
                .as("nor leave a gap")
                .isInstanceOf(AuditStore.SequenceTaken.class);
        assertThat(audit().after(0, 10)).containsExactly(first, mine);
    }

    @Test
    void twoWritersOnOneDatabaseKeepOneChain() throws Exception {
        var key = key();
        var settings = new AuditWriter.Settings(1000, Duration.ofHours(1), Duration.ofDays(365));
        var one = new AuditWriter(audit(), key, settings, clock);
        var two = new AuditWriter(audit(), key, settings, clock);
        try (var pool = Executors.newFixedThreadPool(8)) {
            var start = new CountDownLatch(1);
            List<Future<AuditRecord>> appended = new ArrayList<>();
            for (int i = 1; i <= 80; i++) {
                AuditWriter w = i % 2 == 0 ? one : two;
                AuditEntry e = entry(i, AuditEntry.ALLOWED);
                appended.add(pool.submit(() -> {
                    start.await();
                    return w.append(e);
                }));
            }
            start.countDown();
            for (var f : appended) {
                f.get();
            }
        } finally {
            one.close();
            two.close();
        }
        assertThat(audit().after(0, 1000)).hasSize(80);
        assertThat(verify().intact()).as(verify().toString()).isTrue();
    }

    @Test
    void queriesFilterAndPageInSequenceOrder() {
        write(20, 1000);
        var denied = only(null, "denied", null);
        assertThat(audit().find(denied, 0, 100))
                .extracting(AuditRecord::sequence)
                .containsExactly(5L, 10L, 15L, 20L);
        var aliceOnOther = new AuditQuery(
                Optional.of(T0.plusSeconds(4)),
                Optional.of(T0.plusSeconds(13)),
                Optional.of("alice"),
                Optional.of("team/other"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        assertThat(audit().find(aliceOnOther, 0, 100))
                .extracting(AuditRecord::sequence)
                .as("since is inclusive, until exclusive")
                .containsExactly(4L, 8L, 12L);
        var pushes = only("push", null, null);
        assertThat(audit().find(pushes, 0, 2)).extracting(AuditRecord::sequence).containsExactly(3L, 6L);
        assertThat(audit().find(pushes, 6, 2)).extracting(AuditRecord::sequence).containsExactly(9L, 12L);
        var byRequest = only(null, null, "req-7");
        assertThat(audit().find(byRequest, 0, 10))
                .extracting(AuditRecord::sequence)
                .containsExactly(7L);
    }

    @Test
    void pullRecordingIsSwitchedPerProject() {
        assertThat(audit().recordsPulls("team")).isTrue();
        audit().setRecordsPulls("team", false);
        audit().setRecordsPulls("team", false);
        assertThat(audit().recordsPulls("team")).isFalse();
        assertThat(audit().recordsPulls("other")).isTrue();
        assertThat(audit().projectsNotRecordingPulls()).containsExactly("team");
        audit().setRecordsPulls("team", true);
        assertThat(audit().recordsPulls("team")).isTrue();
        assertThat(audit().projectsNotRecordingPulls()).isEmpty();
    }

    // --------------------------------------------------------------------------------------- tamper evidence

    @Test
    void anUntouchedLogVerifies() {
        write(25, 10);
        writer.checkpointNow();
        var result = verify();
        assertThat(result.finding()).isEmpty();
        assertThat(result.records()).isEqualTo(25);
        assertThat(result.checkpoints()).isEqualTo(3);
        assertThat(audit().checkpoints()).extracting(c -> c.sequence()).containsExactly(10L, 20L, 25L);
    }

    @Test
    void anEmptyLogVerifies() {
        assertThat(verify().intact()).isTrue();
    }

    @Test
    void aModifiedRecordIsNamed() {
        write(25, 10);
        sql("UPDATE audit_records SET result = 'allowed', reason = 'nothing to see' WHERE sequence = 15");
        assertFinding(15, Problem.MODIFIED);
    }

    @Test
    void aModifiedTimestampIsNamed() {
        write(25, 10);
        sql("UPDATE audit_records SET at = at + INTERVAL '1' SECOND WHERE sequence = 7");
        assertFinding(7, Problem.MODIFIED);
    }

    @Test
    void aDeletedRecordIsNamed() {
        write(25, 10);
        sql("DELETE FROM audit_records WHERE sequence = 12");
        assertFinding(12, Problem.DELETED);
    }

    @Test
    void aDeletedRecordIsNamedEvenWhenTheRestWereRenumbered() {
        write(25, 100);
        sql("DELETE FROM audit_records WHERE sequence = 12");
        sql("UPDATE audit_records SET sequence = sequence + 1000 WHERE sequence > 12");
        sql("UPDATE audit_records SET sequence = sequence - 1001 WHERE sequence > 1000");
        assertFinding(12, Problem.DELETED);
    }

    @Test
    void theFirstRecordsDeletedAreNamed() {
        write(25, 100);
        sql("DELETE FROM audit_records WHERE sequence <= 3");
        assertFinding(1, Problem.DELETED);
    }

    /** Only the checkpoint retention leaves may start the log; an ordinary one does not excuse a deletion. */
    @Test
    void deletingTheStartUpToACheckpointIsNotTakenForRetention() {
        write(25, 10);
        sql("DELETE FROM audit_records WHERE sequence <= 10");
        assertFinding(1, Problem.DELETED);
    }

    @Test
    void recordsDeletedFromTheEndBeforeACheckpointAreNamed() {
        write(25, 10);
        writer.checkpointNow();
        sql("DELETE FROM audit_records WHERE sequence >= 23");
        assertFinding(23, Problem.DELETED);
    }

    @Test
    void reorderedRecordsAreNamed() {
        write(25, 100);
        sql("UPDATE audit_records SET sequence = -1 WHERE sequence = 9");
        sql("UPDATE audit_records SET sequence = 9 WHERE sequence = 10");
        sql("UPDATE audit_records SET sequence = 10 WHERE sequence = -1");
        assertFinding(9, Problem.REORDERED);
    }

    @Test
    void aRecordMovedFurtherBackIsNamed() {
        write(25, 100);
        // 20 moves to 6's place: 1..5, 20, 6..19, 21..
        sql("UPDATE audit_records SET sequence = -1 WHERE sequence = 20");
        sql("UPDATE audit_records SET sequence = sequence + 1000 WHERE sequence BETWEEN 6 AND 19");
        sql("UPDATE audit_records SET sequence = sequence - 999 WHERE sequence > 1000");
        sql("UPDATE audit_records SET sequence = 6 WHERE sequence = -1");
        assertFinding(6, Problem.REORDERED);
    }

    /** The strongest insert: the intruder computes a correct hash that chains onto its predecessor. */
    @Test
    void anInsertedRecordIsNamedEvenWithAValidHash() {
        write(25, 100);
        AuditRecord before = audit().after(10, 1).getFirst();
        AuditRecord forged = AuditChain.next(12, before.hash(), entry(99, AuditEntry.ALLOWED));
        sql("UPDATE audit_records SET sequence = sequence + 1000 WHERE sequence >= 12");
        sql("UPDATE audit_records SET sequence = sequence - 999 WHERE sequence > 1000");
        insert(forged);
        assertFinding(12, Problem.INSERTED);
    }

    @Test
    void anInsertedCopyOfARecordIsNamed() {
        write(25, 100);
        sql("UPDATE audit_records SET sequence = sequence + 1000 WHERE sequence >= 8");
        sql("UPDATE audit_records SET sequence = sequence - 999 WHERE sequence > 1000");
        AuditRecord copy = audit().after(2, 1).getFirst();
        insert(new AuditRecord(8, copy.entry(), copy.previousHash(), copy.hash()));
        assertFinding(8, Problem.INSERTED);
    }

    @Test
    void aRewrittenChainIsCaughtByTheSignedCheckpoint() {
        write(25, 10);
        // Change record 13 and recompute every hash after it: the chain alone looks fine.
        List<AuditRecord> all = audit().after(0, 100);
        sql("DELETE FROM audit_records WHERE sequence >= 13");
        String previous = all.get(11).hash();
        List<AuditRecord> rewritten = new ArrayList<>();
        for (AuditRecord r : all.subList(12, all.size())) {
            AuditEntry e = r.sequence() == 13
                    ? new AuditEntry(
                            r.entry().at(),
                            "access",
                            "mallory",
                            "user",
                            "basic",
                            null,
                            null,
                            "pull",
                            "team",
                            "team/app",
                            null,
                            AuditEntry.ALLOWED,
                            "allowed",
                            "req-13",
                            Map.of())
                    : r.entry();
            AuditRecord next = AuditChain.next(r.sequence(), previous, e);
            rewritten.add(next);
            previous = next.hash();
        }
        rewritten.forEach(this::insert);
        var result = verify();
        assertThat(result.finding()).isPresent();
        assertThat(result.finding().get().problem()).isEqualTo(Problem.REWRITTEN);
        assertThat(result.finding().get().sequence()).isEqualTo(11);
        assertThat(result.finding().get().message()).contains("records 11 to 20");
    }

    @Test
    void aForgedCheckpointIsRefused() {
        write(25, 10);
        sql("UPDATE audit_checkpoints SET hash = '" + "b".repeat(64) + "' WHERE sequence = 20");
        assertFinding(20, Problem.BAD_CHECKPOINT);
    }

    @Test
    void aCheckpointFromAnotherKeyIsRefused() {
        write(5, 1);
        writer.close();
        writer = null;
        var other = AuditSigningKey.loadOrCreate(keys.resolve("other.key"));
        var result = new AuditVerifier(audit(), other).verify();
        assertThat(result.finding()).map(f -> f.problem()).contains(Problem.BAD_CHECKPOINT);
    }

    // ---------------------------------------------------------------------------------------------- retention

    @Test
    void retentionDeletesOldRecordsAndTheRestStillVerifies() {
        writer = new AuditWriter(
                audit(), key(), new AuditWriter.Settings(1000, Duration.ofHours(1), Duration.ofDays(30)), clock);
        for (int i = 1; i <= 10; i++) {
            writer.append(entry(i, AuditEntry.ALLOWED)); // at T0 + i seconds
        }
        writer.close();
        clock.now = T0.plus(Duration.ofDays(30)).plusSeconds(6); // records 1..5 are older than 30 days
        writer = new AuditWriter(
                audit(), key(), new AuditWriter.Settings(1000, Duration.ofHours(1), Duration.ofDays(30)), clock);
        writer.checkpointNow(); // the first housekeeping round applies retention
        assertThat(audit().after(0, 100)).extracting(AuditRecord::sequence).containsExactly(6L, 7L, 8L, 9L, 10L);
        writer.append(entry(11, AuditEntry.ALLOWED));
        assertThat(verify().finding()).isEmpty();
        assertThat(verify().records()).isEqualTo(6);

        sql("DELETE FROM audit_records WHERE sequence = 6");
        assertFinding(6, Problem.DELETED);
    }

    @Test
    void retentionOfEveryRecordLetsTheChainContinue() {
        write(3, 1000);
        writer.close();
        clock.now = T0.plus(Duration.ofDays(400));
        write(0, 1000);
        writer.checkpointNow();
        assertThat(audit().after(0, 10)).isEmpty();
        assertThat(verify().intact()).isTrue();
        AuditRecord next = writer.append(entry(4, AuditEntry.ALLOWED));
        assertThat(next.sequence()).isEqualTo(4);
        assertThat(verify().intact()).as(verify().toString()).isTrue();
    }

    // ------------------------------------------------------------------------------- allowed pulls in batch rows

    /** An allowed pull by alice or bob, {@code n} seconds after T0 (pulls in one append share a batch row). */
    static AuditEntry pull(int n) {
        return pull(n, T0.plusSeconds(n));
    }

    static AuditEntry pull(int n, Instant at) {
        return new AuditEntry(
                at,
                "access",
                n % 3 == 0 ? "bob" : "alice",
                "user",
                "bearer",
                "10.0.0.1",
                "containerd/1.7",
                "pull",
                "team",
                n % 2 == 0 ? "team/other" : "team/app",
                "v" + n,
                AuditEntry.ALLOWED,
                "role reader on project team",
                "req-" + n,
                Map.of());
    }

    /**
     * Records 1..count chained and appended in one call: allowed pulls, except a denied pull at each multiple of
     * {@code singleEvery}, which keeps a row of its own and so splits the pulls into several batch rows.
     */
    List<AuditRecord> appendPulls(int count, int singleEvery) {
        List<AuditRecord> records = new ArrayList<>();
        String previous = AuditRecord.GENESIS;
        for (int i = 1; i <= count; i++) {
            AuditEntry e = i % singleEvery == 0 ? entry(i, AuditEntry.DENIED) : pull(i);
            AuditRecord r = AuditChain.next(i, previous, e);
            records.add(r);
            previous = r.hash();
        }
        audit().append(records);
        return records;
    }

    long rows() {
        return jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_records")
                .mapTo(Long.class)
                .one());
    }

    /** Rewrites the batch row starting at {@code first} as someone editing its bytes would. */
    void editBatch(long first, java.util.function.UnaryOperator<List<AuditRecord>> edit) {
        byte[] bytes = jdbi().withHandle(h -> h.createQuery("SELECT records FROM audit_records WHERE sequence = :s")
                .bind("s", first)
                .mapTo(byte[].class)
                .one());
        List<AuditRecord> edited = edit.apply(new ArrayList<>(AuditBatchCodec.decode(first, T0, bytes)));
        jdbi().useHandle(h -> h.createUpdate("UPDATE audit_records SET records = :r WHERE sequence = :s")
                .bind("r", AuditBatchCodec.encode(edited))
                .bind("s", first)
                .execute());
    }

    @Test
    void allowedPullsShareRowsAndComeBackAsWritten() {
        List<AuditRecord> records = appendPulls(30, 10);
        assertThat(rows()).as("three runs of pulls, three denials").isEqualTo(6);
        assertThat(audit().after(0, 100)).containsExactlyElementsOf(records);
        assertThat(audit().after(4, 3)).containsExactlyElementsOf(records.subList(4, 7));
        assertThat(audit().after(8, 4)).as("across a denial").containsExactlyElementsOf(records.subList(8, 12));
        assertThat(audit().last()).contains(records.getLast());
        AuditRecord next = AuditChain.next(31, records.getLast().hash(), pull(31));
        audit().append(List.of(next));
        assertThat(audit().last()).contains(next);
        assertThat(verify().intact()).isTrue();
        assertThat(verify().records()).isEqualTo(31);
    }

    @Test
    void queriesFilterBatchedPullsLikeSingleRows() {
        appendPulls(30, 10);
        var bobOnOther = new AuditQuery(
                Optional.of(T0.plusSeconds(5)),
                Optional.of(T0.plusSeconds(25)),
                Optional.of("bob"),
                Optional.of("team/other"),
                Optional.of("pull"),
                Optional.of("allowed"),
                Optional.empty());
        assertThat(audit().find(bobOnOther, 0, 100))
                .extracting(AuditRecord::sequence)
                .containsExactly(6L, 12L, 18L, 24L);
        assertThat(audit().find(bobOnOther, 6, 2))
                .extracting(AuditRecord::sequence)
                .containsExactly(12L, 18L);
        var byRequest = only(null, null, "req-17");
        assertThat(audit().find(byRequest, 0, 10))
                .extracting(AuditRecord::sequence)
                .containsExactly(17L);
        var pulls = only("pull", null, null);
        assertThat(audit().find(pulls, 7, 5))
                .as("batched and single rows merged in order")
                .extracting(AuditRecord::sequence)
                .containsExactly(8L, 9L, 10L, 11L, 12L);
        var denied = only(null, "denied", null);
        assertThat(audit().find(denied, 0, 10))
                .extracting(AuditRecord::sequence)
                .containsExactly(10L, 20L, 30L);
    }

    @Test
    void aRecordEditedInsideABatchRowIsNamed() {
        appendPulls(30, 10);
        editBatch(11, rs -> {
            AuditRecord r = rs.get(3); // record 14
            AuditEntry e = r.entry();
            rs.set(
                    3,
                    new AuditRecord(
                            r.sequence(),
                            new AuditEntry(
                                    e.at(),
                                    e.kind(),
                                    "someone-else",
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
                                    e.details()),
                            r.previousHash(),
                            r.hash()));
            return rs;
        });
        assertFinding(14, Problem.MODIFIED);
    }

    @Test
    void aDeletedBatchRowIsNamed() {
        appendPulls(30, 10);
        sql("DELETE FROM audit_records WHERE sequence = 11");
        assertFinding(11, Problem.DELETED);
    }

    @Test
    void aRecordDeletedFromInsideABatchRowIsNamed() {
        appendPulls(30, 10);
        editBatch(11, rs -> {
            rs.remove(4); // record 15; 16.. move up a place
            return rs;
        });
        assertFinding(15, Problem.DELETED);
    }

    @Test
    void recordsSwappedInsideABatchRowAreNamed() {
        appendPulls(30, 10);
        editBatch(11, rs -> {
            AuditRecord a = rs.get(2);
            rs.set(2, rs.get(3));
            rs.set(3, a);
            return rs;
        });
        assertFinding(13, Problem.REORDERED);
    }

    @Test
    void aRecordInsertedIntoABatchRowIsNamedEvenWithAValidHash() {
        appendPulls(30, 10);
        editBatch(11, rs -> {
            AuditRecord before = rs.get(2); // record 13
            // within the row's time range, so nothing but the chain gives it away
            rs.add(3, AuditChain.next(14, before.hash(), pull(99, before.entry().at())));
            return rs;
        });
        assertFinding(14, Problem.INSERTED);
    }

    @Test
    void garbledBatchBytesAreNamed() {
        appendPulls(30, 10);
        byte[] bytes = jdbi().withHandle(h -> h.createQuery("SELECT records FROM audit_records WHERE sequence = 11")
                .mapTo(byte[].class)
                .one());
        bytes[bytes.length - 40] ^= 0x55; // inside the last record, record 19
        jdbi().useHandle(h -> h.createUpdate("UPDATE audit_records SET records = :r WHERE sequence = 11")
                .bind("r", bytes)
                .execute());
        assertFinding(19, Problem.MODIFIED);
    }

    /** A batch row's time range decides which time-filtered queries read it: narrowing it must not hide pulls. */
    @Test
    void aBatchRowWhoseTimeRangeWasNarrowedIsNamed() {
        appendPulls(30, 10);
        sql("UPDATE audit_records SET at = at + INTERVAL '3' SECOND WHERE sequence = 11");
        assertFinding(11, Problem.MODIFIED);
    }

    @Test
    void retentionCutsABatchRowAndTheRestStillVerifies() {
        List<AuditRecord> records = appendPulls(9, 100); // one row: 1..9 at T0 + 1..9 s
        clock.now = T0.plus(Duration.ofDays(30)).plusSeconds(5); // records 1..4 are older than 30 days
        writer = new AuditWriter(
                audit(), key(), new AuditWriter.Settings(1000, Duration.ofHours(1), Duration.ofDays(30)), clock);
        writer.checkpointNow();
        assertThat(audit().after(0, 100)).containsExactlyElementsOf(records.subList(4, 9));
        writer.append(pull(10));
        assertThat(verify().finding()).isEmpty();
        assertThat(verify().records()).isEqualTo(6);
    }

    void assertFinding(long sequence, Problem problem) {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        var result = verify();
        assertThat(result.finding()).as("verify must notice").isPresent();
        assertThat(result.finding().get().problem())
                .as(result.finding().get().message())
                .isEqualTo(problem);
        assertThat(result.finding().get().sequence())
                .as(result.finding().get().message())
                .isEqualTo(sequence);
        assertThat(result.finding().get().message()).contains("record");
    }

    void insert(AuditRecord r) {
        var e = r.entry();
        jdbi().useHandle(h -> h.createUpdate("INSERT INTO audit_records (sequence, at, kind, principal,"
                        + " principal_type, auth_method, source_address, user_agent, action, project, repository,"
                        + " reference, result, reason, request_id, details, previous_hash, hash) VALUES (:s, :at,"
                        + " :kind, :p, :pt, :am, :sa, :ua, :a, :pr, :r, :ref, :res, :reason, :rid, :d, :ph, :h)")
                .bind("s", r.sequence())
                .bind("at", Database.timestamp(e.at()))
                .bind("kind", e.kind())
                .bind("p", e.principal())
                .bind("pt", e.principalType())
                .bind("am", e.authMethod())
                .bind("sa", e.sourceAddress())
                .bind("ua", e.userAgent())
                .bind("a", e.action())
                .bind("pr", e.project())
                .bind("r", e.repository())
                .bind("ref", e.reference())
                .bind("res", e.result())
                .bind("reason", e.reason())
                .bind("rid", e.requestId())
                .bind(
                        "d",
                        e.details().isEmpty() ? "{}" : "{\"n\":\"" + e.details().get("n") + "\"}")
                .bind("ph", r.previousHash())
                .bind("h", r.hash())
                .execute());
    }
}
