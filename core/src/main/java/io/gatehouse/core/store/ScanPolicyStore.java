package io.gatehouse.core.store;

import io.gatehouse.core.scan.CveAllowlistEntry;
import io.gatehouse.core.scan.ScanPolicy;
import java.util.List;
import java.util.Optional;

/** Pull policies per project and the CVE allowlists (system-wide and per project). Small tables, read whole. */
public interface ScanPolicyStore {

    /** The project's stored policy; empty when none was ever set (which means {@link ScanPolicy#none}). */
    Optional<ScanPolicy> policy(String project);

    /** Creates or replaces the project's policy. */
    void putPolicy(ScanPolicy policy, String updatedBy, java.time.Instant updatedAt);

    /** The entries of one list, by id: the system list for an empty project, else the project's. */
    List<CveAllowlistEntry> allowlist(Optional<String> project);

    /** Adds the entry, or replaces the one of the same list with the same id (exactly as stored). */
    void putAllowlistEntry(CveAllowlistEntry entry);

    /** Removes the entry with exactly this id from one list; false if it was not there. */
    boolean removeAllowlistEntry(Optional<String> project, String id);
}
