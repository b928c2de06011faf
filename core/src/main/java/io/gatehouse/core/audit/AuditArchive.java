package io.gatehouse.core.audit;

import java.util.List;

/**
 * Long-term storage for exported audit records, outside the database (an S3 bucket and prefix). It holds named
 * objects written whole; the exporter names them so that the names alone say which records each holds.
 */
public interface AuditArchive {

    /** The names of the objects stored, in lexicographic order. */
    List<String> names();

    /** Stores {@code content} under {@code name}, whole or not at all, replacing an object of that name. */
    void put(String name, byte[] content);

    /** Where the archive is, for messages (never with credentials). */
    String describe();
}
