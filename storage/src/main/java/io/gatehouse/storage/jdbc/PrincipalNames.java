package io.gatehouse.storage.jdbc;

import org.jdbi.v3.core.Handle;

/**
 * The one namespace that user and robot names share ({@code principals}). Creating either first claims the
 * name here, in the creating transaction: the primary key makes a concurrent claim of the same name wait for
 * that transaction and then find the name taken (or, on H2, fail with a unique violation that
 * {@link Database#write} retries into the same answer), so the check holds under concurrency without locks.
 */
final class PrincipalNames {
    static final String USER = "user";
    static final String ROBOT = "robot";

    private PrincipalNames() {}

    /** Inside a write transaction: claims {@code name} for a user or robot; false if it is taken by either. */
    static boolean claim(Handle h, String name, String kind) {
        return h.createUpdate("INSERT INTO principals (name, kind) VALUES (:name, :kind) ON CONFLICT DO NOTHING")
                        .bind("name", name)
                        .bind("kind", kind)
                        .execute()
                > 0;
    }
}
