package io.gatehouse.storage.jdbc;

import io.gatehouse.core.error.Unavailable;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reads and write transactions for the store's parts. A write is retried when the database reports a
 * transient clash with a concurrent writer, and returns only once durable (through {@link DurableCommits} when
 * the engine needs it). Database failures become {@link Unavailable}; their text never reaches a client.
 */
final class Database {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final int MAX_ATTEMPTS = 5;
    static final int BATCH = 500;

    private final Jdbi jdbi;
    private final Optional<DurableCommits> durableCommits;

    Database(Jdbi jdbi, Optional<DurableCommits> durableCommits) {
        this.jdbi = jdbi;
        this.durableCommits = durableCommits;
    }

    <T> T read(HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw unavailable(e);
        }
    }

    /** A write transaction that always counts as a change. */
    <T> T write(HandleCallback<T, RuntimeException> work) {
        return write(work, result -> true);
    }

    /**
     * Runs {@code work} in one transaction (READ COMMITTED: the pool sets it on every connection); if {@code changed} says the result altered the
     * database, waits until the commit is durable before returning.
     */
    <T> T write(HandleCallback<T, RuntimeException> work, Predicate<? super T> changed) {
        T result = null;
        for (int attempt = 1; ; attempt++) {
            try {
                result = jdbi.inTransaction(work);
                break;
            } catch (JdbiException e) {
                if (attempt >= MAX_ATTEMPTS || !isTransient(e)) {
                    throw unavailable(e);
                }
                log.debug("write transaction clashed with a concurrent one (attempt {}); retrying", attempt, e);
            } catch (Retry e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new Unavailable("metadata store unavailable", e);
                }
                log.debug("write transaction asked to be retried (attempt {}): {}", attempt, e.getMessage());
            }
        }
        if (changed.test(result) && durableCommits.isPresent()) {
            try {
                durableCommits.get().awaitDurable();
            } catch (JdbiException e) {
                throw unavailable(e);
            }
        }
        return result;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Unique violations (two writers inserting the same row; every insert here is idempotent, so a retry sees
     * the winner's row), serialization failures, deadlocks and H2 lock timeouts.
     */
    /** Thrown inside a write transaction to roll it back and run it again (a concurrent writer got in between). */
    static final class Retry extends RuntimeException {
        Retry(String message) {
            super(message, null, false, false);
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                switch (sql.getSQLState()) {
                    case "23505", "40001", "40P01", "HYT00" -> {
                        return true;
                    }
                    default -> {}
                }
            }
        }
        return false;
    }

    private static Unavailable unavailable(JdbiException e) {
        return new Unavailable("metadata store unavailable", e);
    }

    /** A timestamp argument that means the same instant on both engines (microseconds, as both store). */
    static Argument timestamp(Instant instant) {
        OffsetDateTime value = OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        return (position, statement, ctx) -> statement.setObject(position, value);
    }

    static Instant instant(java.sql.ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
    /** Runs {@code sql} once per item, {@link #BATCH} statements a round trip; returns the rows it changed. */
    static <T> int inBatches(Handle h, String sql, Collection<T> items, BiConsumer<PreparedBatch, T> binder) {
        PreparedBatch batch = null;
        int pending = 0;
        int changed = 0;
        for (T item : items) {
            if (batch == null) {
                batch = h.prepareBatch(sql);
            }
            binder.accept(batch, item);
            batch.add();
            if (++pending == BATCH) {
                changed += changed(batch.execute());
                batch = null;
                pending = 0;
            }
        }
        if (batch != null) {
            changed += changed(batch.execute());
        }
        return changed;
    }

    /** Rows a batch changed (a driver that does not say, SUCCESS_NO_INFO, counts none). */
    private static int changed(int[] counts) {
        int sum = 0;
        for (int n : counts) {
            sum += Math.max(n, 0);
        }
        return sum;
    }
}
