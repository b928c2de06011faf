package io.gatehouse.storage.jdbc;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for a database whose commits are not durable by themselves (embedded H2): a writer that has
 * committed calls {@link #awaitDurable()}, which returns once a sync that <em>started after</em> that commit has
 * finished. One sync covers every commit made before it started, so writers that commit while a sync is
 * running share the next one: N concurrent writers cost about two syncs, not N.
 *
 * <p>Each caller takes a ticket after its commit. If no sync is running, the caller becomes the leader: it
 * notes the highest ticket issued so far, runs the sync without holding the lock, then publishes that ticket
 * as durable and wakes the waiters. Waiters whose ticket is not yet covered wait for, or lead, the next round.
 * A failed sync is rethrown to its leader; the other waiters retry, so nobody returns without a successful sync
 * that covers their commit.
 */
final class DurableCommits {

    /** Makes every commit that finished before the call durable (for H2: {@code CHECKPOINT SYNC}). */
    @FunctionalInterface
    interface Sync {
        void run();
    }

    private final Sync sync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition synced = lock.newCondition();
    private long issued; // tickets handed out: commits waiting or done
    private long durable; // every ticket up to this one is covered by a finished sync
    private boolean syncing;
    private int waiting;
    private final AtomicLong syncs = new AtomicLong();

    DurableCommits(Sync sync) {
        this.sync = sync;
    }

    /** Call after a transaction has committed; returns when it is on disk. */
    void awaitDurable() {
        lock.lock();
        try {
            long ticket = ++issued;
            while (durable < ticket) {
                if (syncing) {
                    waiting++;
                    try {
                        synced.awaitUninterruptibly();
                    } finally {
                        waiting--;
                    }
                    continue;
                }
                syncing = true;
                long target = issued;
                boolean ok = false;
                lock.unlock();
                try {
                    sync.run();
                    ok = true;
                } finally {
                    lock.lock();
                    syncing = false;
                    if (ok) {
                        durable = Math.max(durable, target);
                        syncs.incrementAndGet();
                    }
                    synced.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Syncs run so far. */
    long syncs() {
        return syncs.get();
    }

    /** Commits that asked to be made durable so far. */
    long commits() {
        lock.lock();
        try {
            return issued;
        } finally {
            lock.unlock();
        }
    }

    /** Writers currently waiting for a sync another writer is running (for tests). */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }
}
