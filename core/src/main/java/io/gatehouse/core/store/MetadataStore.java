package io.gatehouse.core.store;

import io.gatehouse.core.access.policy.AccessStore;
import io.gatehouse.core.audit.AuditStore;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Everything about artifacts except their bytes. Every write is durable when the method returns, so a
 * response acknowledging it may go out.
 */
public interface MetadataStore extends AutoCloseable {

    Repositories repositories();

    BlobLinks blobLinks();

    Manifests manifests();

    Tags tags();

    UploadSessions uploads();

    Users users();

    SigningKeys signingKeys();

    /** Access control: projects, groups, role bindings, custom roles, robots, deny rules, repository labels. */
    AccessStore access();

    /** Single sign-on: logins in progress, onboarded provider accounts, CLI secrets. */
    SingleSignOnStore singleSignOn();

    /** Webhooks, their persistent delivery queue and delivery log. */
    WebhookStore webhooks();

    /** The imported OSV advisory database. */
    AdvisoryStore advisories();

    /** Scanning: the job queue, the latest report of each artifact, the package index for re-matching. */
    ScanStore scans();
    /** Pull policies (severity thresholds, unscanned images) and CVE allowlists. */
    ScanPolicyStore scanPolicies();

    /** The tamper-evident audit log: chained records, signed checkpoints, per-project pull recording. */
    AuditStore audit();

    /** True if the database answers. */
    boolean isHealthy();

    @Override
    void close();

    interface Repositories {
        boolean exists(RepositoryName repository);

        /** Repositories in name order after {@code after}, at most {@code limit}. */
        List<RepositoryName> list(Optional<RepositoryName> after, int limit);
    }

    /** Which blobs a repository may serve: those uploaded or mounted into it. */
    interface BlobLinks {
        /** Links a committed blob into a repository (creating the repository if needed); idempotent. */
        void link(RepositoryName repository, Digest digest, long size);

        OptionalLong size(RepositoryName repository, Digest digest);

        /** Of the given digests, those not linked into the repository. */
        Set<Digest> missing(RepositoryName repository, Collection<Digest> digests);

        boolean unlink(RepositoryName repository, Digest digest);

        /** Whether any repository still links the blob (so its bytes must stay). */
        boolean isLinkedAnywhere(Digest digest);
    }

    interface Manifests {
        /**
         * Stores a manifest and, if given, points the tag at it, in one transaction. Storing the same digest
         * again is allowed and only moves the tag.
         */
        void put(ManifestRecord manifest, Optional<Tag> tag);

        Optional<ManifestRecord> get(RepositoryName repository, Digest digest);

        /** Of the given digests, those not stored as manifests in the repository. */
        Set<Digest> missing(RepositoryName repository, Collection<Digest> digests);

        /** Deletes the manifest and every tag pointing at it; false if it was not there. */
        boolean delete(RepositoryName repository, Digest digest);

        /** Manifests in the repository whose subject is {@code subject}, optionally of one artifact type. */
        List<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<String> artifactType);
    }

    interface Tags {
        Optional<Digest> resolve(RepositoryName repository, Tag tag);

        /** Tags in lexical order after {@code after}, at most {@code limit}. */
        List<Tag> list(RepositoryName repository, Optional<Tag> after, int limit);

        boolean delete(RepositoryName repository, Tag tag);
    }

    interface UploadSessions {
        void create(UploadSession session);

        Optional<UploadSession> get(String id);

        /** Moves the recorded size from {@code expected} to {@code size}; false if another writer got there first. */
        boolean advance(String id, long expected, long size);

        void delete(String id);
    }

    interface Users {
        Optional<UserRecord> find(String username);

        /** Creates the user; false if the name is taken. */
        boolean create(UserRecord user);

        /** Every local user, by name. */
        List<UserRecord> all();
    }

    interface SigningKeys {
        List<SigningKeyRecord> all();

        void add(SigningKeyRecord key);

        /** Removes a retired key, so tokens it signed no longer verify; false if it was not there. */
        boolean delete(String keyId);
    }
}
