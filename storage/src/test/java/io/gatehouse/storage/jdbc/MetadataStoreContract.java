package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.store.ManifestRecord;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.SigningKeyRecord;
import io.gatehouse.core.store.UploadSession;
import io.gatehouse.core.store.UserRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetadataStore} must do, run against each engine ({@code H2MetadataStoreTest},
 * {@code PostgresMetadataStoreTest}). Each test gets a store with empty tables.
 */
public abstract class MetadataStoreContract extends StoreContractBase {

    // ---------------------------------------------------------------------------------------------- fixtures

    protected static Digest digest(String seed) {
        return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
    }

    protected static ManifestRecord manifest(RepositoryName repository, String content, List<Digest> blobs) {
        return manifest(repository, content, blobs, List.of(), Optional.empty(), null, Map.of());
    }

    protected static ManifestRecord manifest(
            RepositoryName repository,
            String content,
            List<Digest> blobs,
            List<Digest> manifests,
            Optional<Digest> subject,
            String artifactType,
            Map<String, String> annotations) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new ManifestRecord(
                repository,
                Digest.sha256(bytes),
                MediaTypes.OCI_MANIFEST,
                artifactType,
                bytes,
                subject,
                blobs,
                manifests,
                annotations,
                T0);
    }

    protected static ManifestRecord referrer(
            RepositoryName repository, String content, Digest subject, String artifactType, Instant at) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new ManifestRecord(
                repository,
                Digest.sha256(bytes),
                MediaTypes.OCI_MANIFEST,
                artifactType,
                bytes,
                Optional.of(subject),
                List.of(),
                List.of(),
                Map.of("org.example.kind", content),
                at);
    }

    protected long rows(String table) {
        return ((JdbcMetadataStore) store)
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
                        .mapTo(Long.class)
                        .one());
    }

    protected static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            var start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (var f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------- health

    @Test
    void isHealthyWhileOpenAndNotAfterClose() {
        assertThat(store.isHealthy()).isTrue();
        store.close();
        assertThat(store.isHealthy()).isFalse();
        store.close(); // idempotent
        store = null;
    }

    // ---------------------------------------------------------------------------------------------- repositories

    @Test
    void unknownRepositoryDoesNotExist() {
        assertThat(store.repositories().exists(REPO)).isFalse();
        assertThat(store.repositories().list(Optional.empty(), 10)).isEmpty();
    }

    @Test
    void linkingABlobCreatesTheRepository() {
        store.blobLinks().link(REPO, digest("b"), 1);
        assertThat(store.repositories().exists(REPO)).isTrue();
        assertThat(store.repositories().exists(OTHER)).isFalse();
    }

    @Test
    void storingAManifestCreatesTheRepository() {
        store.manifests().put(manifest(REPO, "m", List.of()), Optional.empty());
        assertThat(store.repositories().exists(REPO)).isTrue();
    }

    @Test
    void listIsLexicalByCodePointAfterTheGivenNameAndLimited() {
        List<String> names =
                new ArrayList<>(List.of("b", "a-b", "a.b", "a/b", "a_b", "ab", "a", "a0", "z/y/x", "a__b"));
        Collections.shuffle(names);
        for (String name : names) {
            store.blobLinks().link(RepositoryName.parse(name), digest(name), 1);
        }
        List<String> sorted = names.stream().sorted().toList(); // Java order = code point order for ASCII

        assertThat(store.repositories().list(Optional.empty(), 100))
                .map(RepositoryName::value)
                .containsExactlyElementsOf(sorted);
        assertThat(store.repositories().list(Optional.empty(), 3))
                .map(RepositoryName::value)
                .containsExactlyElementsOf(sorted.subList(0, 3));
        assertThat(store.repositories().list(Optional.of(RepositoryName.parse(sorted.get(2))), 4))
                .map(RepositoryName::value)
                .containsExactlyElementsOf(sorted.subList(3, 7));
        assertThat(store.repositories().list(Optional.of(RepositoryName.parse("a1")), 100))
                .map(RepositoryName::value)
                .containsExactlyElementsOf(
                        sorted.stream().filter(n -> n.compareTo("a1") > 0).toList());
        assertThat(store.repositories().list(Optional.of(RepositoryName.parse(sorted.getLast())), 10))
                .isEmpty();
        assertThat(store.repositories().list(Optional.empty(), 0)).isEmpty();
    }

    @Test
    void pagingVisitsEveryRepositoryOnce() {
        var all = IntStream.range(0, 25).mapToObj(i -> "p/r" + i).sorted().toList();
        all.forEach(n -> store.blobLinks().link(RepositoryName.parse(n), digest(n), 1));
        List<String> seen = new ArrayList<>();
        Optional<RepositoryName> after = Optional.empty();
        while (true) {
            var page = store.repositories().list(after, 7);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(r -> seen.add(r.value()));
            after = Optional.of(page.getLast());
        }
        assertThat(seen).containsExactlyElementsOf(all);
    }

    // ---------------------------------------------------------------------------------------------- blob links

    @Test
    void linkedBlobHasItsSizeOnlyInItsRepository() {
        var d = digest("layer");
        assertThat(store.blobLinks().size(REPO, d)).isEmpty();
        store.blobLinks().link(REPO, d, 1234);
        assertThat(store.blobLinks().size(REPO, d)).hasValue(1234);
        assertThat(store.blobLinks().size(OTHER, d)).isEmpty();
    }

    @Test
    void linkIsIdempotent() {
        var d = digest("layer");
        store.blobLinks().link(REPO, d, 10);
        store.blobLinks().link(REPO, d, 10);
        assertThat(store.blobLinks().size(REPO, d)).hasValue(10);
        assertThat(rows("blob_links")).isEqualTo(1);
    }

    @Test
    void emptyBlobHasSizeZero() {
        var d = digest("");
        store.blobLinks().link(REPO, d, 0);
        assertThat(store.blobLinks().size(REPO, d)).hasValue(0);
    }

    @Test
    void missingReportsTheUnlinkedDigestsOnly() {
        var a = digest("a");
        var b = digest("b");
        var c = digest("c");
        store.blobLinks().link(REPO, a, 1);
        store.blobLinks().link(OTHER, b, 1);
        assertThat(store.blobLinks().missing(REPO, List.of(a, b, c, a))).containsExactlyInAnyOrder(b, c);
        assertThat(store.blobLinks().missing(REPO, List.of(a))).isEmpty();
        assertThat(store.blobLinks().missing(REPO, List.of())).isEmpty();
        assertThat(store.blobLinks().missing(RepositoryName.parse("nobody/here"), List.of(a)))
                .containsExactly(a);
    }

    @Test
    void missingHandlesMoreDigestsThanOneQueryTakes() {
        var linked = IntStream.range(0, 1200)
                .filter(i -> i % 3 == 0)
                .mapToObj(i -> digest("l" + i))
                .toList();
        var all = IntStream.range(0, 1200).mapToObj(i -> digest("l" + i)).toList();
        linked.forEach(d -> store.blobLinks().link(REPO, d, 1));
        Set<Digest> missing = store.blobLinks().missing(REPO, all);
        assertThat(missing).hasSize(800).doesNotContainAnyElementsOf(linked);
    }

    @Test
    void unlinkRemovesTheLinkOnce() {
        var d = digest("layer");
        store.blobLinks().link(REPO, d, 5);
        assertThat(store.blobLinks().unlink(REPO, d)).isTrue();
        assertThat(store.blobLinks().size(REPO, d)).isEmpty();
        assertThat(store.blobLinks().unlink(REPO, d)).isFalse();
        assertThat(store.blobLinks().unlink(OTHER, d)).isFalse();
        assertThat(store.repositories().exists(REPO)).isTrue();
    }

    @Test
    void isLinkedAnywhereUntilTheLastLinkGoes() {
        var d = digest("shared");
        assertThat(store.blobLinks().isLinkedAnywhere(d)).isFalse();
        store.blobLinks().link(REPO, d, 5);
        store.blobLinks().link(OTHER, d, 5);
        store.blobLinks().unlink(REPO, d);
        assertThat(store.blobLinks().isLinkedAnywhere(d)).isTrue();
        store.blobLinks().unlink(OTHER, d);
        assertThat(store.blobLinks().isLinkedAnywhere(d)).isFalse();
    }

    @Test
    void concurrentLinksOfTheSameBlobIntoANewRepositoryAllSucceed() throws Exception {
        var d = digest("race");
        concurrently(12, () -> {
            store.blobLinks().link(REPO, d, 7);
            return null;
        });
        assertThat(store.blobLinks().size(REPO, d)).hasValue(7);
        assertThat(rows("repositories")).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------- manifests

    @Test
    void roundTripsEveryField() {
        var layers = List.of(digest("config"), digest("l1"), digest("l2"), digest("l1"));
        var children = List.of(digest("child1"), digest("child2"));
        var subject = digest("subject");
        var m = new ManifestRecord(
                REPO,
                Digest.sha256("{\"exact\": \"bytes\" }".getBytes(StandardCharsets.UTF_8)),
                MediaTypes.OCI_INDEX,
                "application/vnd.example+json",
                "{\"exact\": \"bytes\" }".getBytes(StandardCharsets.UTF_8),
                Optional.of(subject),
                layers,
                children,
                Map.of("org.opencontainers.image.created", "2025-01-01T00:00:00Z", "b", "ü ✓ \"quoted\""),
                T0);
        store.manifests().put(m, Optional.empty());

        var got = store.manifests().get(REPO, m.digest()).orElseThrow();
        assertThat(got.repository()).isEqualTo(REPO);
        assertThat(got.digest()).isEqualTo(m.digest());
        assertThat(got.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(got.artifactType()).isEqualTo("application/vnd.example+json");
        assertThat(got.content()).isEqualTo(m.content());
        assertThat(got.size()).isEqualTo(m.content().length);
        assertThat(got.subject()).contains(subject);
        assertThat(got.blobs()).containsExactlyElementsOf(layers);
        assertThat(got.manifests()).containsExactlyElementsOf(children);
        assertThat(got.annotations()).isEqualTo(m.annotations());
        assertThat(got.createdAt()).isEqualTo(T0);
    }

    @Test
    void roundTripsAManifestWithoutOptionalFields() {
        var m = manifest(REPO, "plain", List.of());
        store.manifests().put(m, Optional.empty());
        var got = store.manifests().get(REPO, m.digest()).orElseThrow();
        assertThat(got.artifactType()).isNull();
        assertThat(got.subject()).isEmpty();
        assertThat(got.blobs()).isEmpty();
        assertThat(got.manifests()).isEmpty();
        assertThat(got.annotations()).isEmpty();
    }

    @Test
    void roundTripsAFourMebibyteManifest() {
        byte[] big = new byte[4 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        var m = new ManifestRecord(
                REPO,
                Digest.sha256(big),
                MediaTypes.OCI_MANIFEST,
                null,
                big,
                Optional.empty(),
                List.of(),
                List.of(),
                Map.of(),
                T0);
        store.manifests().put(m, Optional.of(Tag.parse("big")));
        assertThat(store.manifests().get(REPO, m.digest()).orElseThrow().content())
                .isEqualTo(big);
    }

    @Test
    void getOfAnUnknownManifestIsEmptyAndManifestsStayInTheirRepository() {
        var m = manifest(REPO, "m", List.of());
        assertThat(store.manifests().get(REPO, m.digest())).isEmpty();
        store.manifests().put(m, Optional.empty());
        assertThat(store.manifests().get(OTHER, m.digest())).isEmpty();
    }

    @Test
    void putWithATagPointsTheTagAtTheManifest() {
        var m = manifest(REPO, "m", List.of(digest("l")));
        store.manifests().put(m, Optional.of(Tag.parse("v1")));
        assertThat(store.tags().resolve(REPO, Tag.parse("v1"))).contains(m.digest());
        assertThat(store.tags().resolve(OTHER, Tag.parse("v1"))).isEmpty();
    }

    @Test
    void puttingTheSameManifestAgainIsAllowedAndOnlyAddsTags() {
        var m = manifest(REPO, "m", List.of(digest("l")));
        store.manifests().put(m, Optional.of(Tag.parse("v1")));
        store.manifests().put(m, Optional.empty());
        store.manifests().put(m, Optional.of(Tag.parse("latest")));
        assertThat(store.tags().resolve(REPO, Tag.parse("v1"))).contains(m.digest());
        assertThat(store.tags().resolve(REPO, Tag.parse("latest"))).contains(m.digest());
        assertThat(rows("manifests")).isEqualTo(1);
        assertThat(rows("manifest_refs")).isEqualTo(1);
    }

    @Test
    void aTagMovesToTheNewestManifest() {
        var first = manifest(REPO, "first", List.of());
        var second = manifest(REPO, "second", List.of());
        store.manifests().put(first, Optional.of(Tag.parse("latest")));
        store.manifests().put(second, Optional.of(Tag.parse("latest")));
        assertThat(store.tags().resolve(REPO, Tag.parse("latest"))).contains(second.digest());
        assertThat(store.manifests().get(REPO, first.digest())).isPresent();
        store.manifests().put(first, Optional.of(Tag.parse("latest")));
        assertThat(store.tags().resolve(REPO, Tag.parse("latest"))).contains(first.digest());
    }

    @Test
    void theSameManifestInTwoRepositoriesIsTwoRecords() {
        var a = manifest(REPO, "m", List.of());
        var b = manifest(OTHER, "m", List.of());
        store.manifests().put(a, Optional.of(Tag.parse("t")));
        store.manifests().put(b, Optional.of(Tag.parse("t")));
        assertThat(store.manifests().delete(REPO, a.digest())).isTrue();
        assertThat(store.manifests().get(OTHER, b.digest())).isPresent();
        assertThat(store.tags().resolve(OTHER, Tag.parse("t"))).contains(b.digest());
    }

    @Test
    void missingReportsManifestsNotStoredInTheRepository() {
        var a = manifest(REPO, "a", List.of());
        var b = manifest(OTHER, "b", List.of());
        store.manifests().put(a, Optional.empty());
        store.manifests().put(b, Optional.empty());
        var c = digest("c");
        assertThat(store.manifests().missing(REPO, List.of(a.digest(), b.digest(), c)))
                .containsExactlyInAnyOrder(b.digest(), c);
        assertThat(store.manifests().missing(REPO, List.of())).isEmpty();
        assertThat(store.manifests().missing(REPO, List.of(a.digest()))).isEmpty();
    }

    @Test
    void deleteRemovesTheManifestItsTagsAndItsReferences() {
        var doomed = manifest(
                REPO,
                "doomed",
                List.of(digest("l1"), digest("l2")),
                List.of(digest("c")),
                Optional.empty(),
                null,
                Map.of());
        var kept = manifest(REPO, "kept", List.of(digest("l1")));
        store.manifests().put(doomed, Optional.of(Tag.parse("a")));
        store.manifests().put(doomed, Optional.of(Tag.parse("b")));
        store.manifests().put(kept, Optional.of(Tag.parse("c")));
        assertThat(rows("manifest_refs")).isEqualTo(4);

        assertThat(store.manifests().delete(REPO, doomed.digest())).isTrue();

        assertThat(store.manifests().get(REPO, doomed.digest())).isEmpty();
        assertThat(store.tags().resolve(REPO, Tag.parse("a"))).isEmpty();
        assertThat(store.tags().resolve(REPO, Tag.parse("b"))).isEmpty();
        assertThat(store.tags().resolve(REPO, Tag.parse("c"))).contains(kept.digest());
        assertThat(store.tags().list(REPO, Optional.empty(), 10)).containsExactly(Tag.parse("c"));
        assertThat(rows("manifest_refs")).isEqualTo(1);
        assertThat(store.manifests().delete(REPO, doomed.digest())).isFalse();
        assertThat(store.manifests().delete(OTHER, kept.digest())).isFalse();
        assertThat(store.repositories().exists(REPO)).isTrue();
    }

    @Test
    void aDeletedManifestCanBePushedAgain() {
        var m = manifest(REPO, "m", List.of(digest("l")));
        store.manifests().put(m, Optional.of(Tag.parse("v1")));
        store.manifests().delete(REPO, m.digest());
        store.manifests().put(m, Optional.of(Tag.parse("v1")));
        assertThat(store.tags().resolve(REPO, Tag.parse("v1"))).contains(m.digest());
        assertThat(store.manifests().get(REPO, m.digest()).orElseThrow().blobs())
                .containsExactly(digest("l"));
    }

    @Test
    void concurrentPutsOfTheSameManifestAndTagDoNotFail() throws Exception {
        var m = manifest(REPO, "popular", List.of(digest("l1"), digest("l2")));
        var results = concurrently(16, () -> {
            store.manifests().put(m, Optional.of(Tag.parse("latest")));
            return true;
        });
        assertThat(results).containsOnly(true);
        assertThat(store.tags().resolve(REPO, Tag.parse("latest"))).contains(m.digest());
        assertThat(rows("manifests")).isEqualTo(1);
        assertThat(rows("manifest_refs")).isEqualTo(2);
        assertThat(rows("tags")).isEqualTo(1);
    }

    @Test
    void concurrentPutsOfDifferentManifestsToOneTagLeaveItOnOneOfThem() throws Exception {
        var counter = new AtomicInteger();
        var pushed = concurrently(16, () -> {
            var m = manifest(REPO, "m" + counter.incrementAndGet(), List.of());
            store.manifests().put(m, Optional.of(Tag.parse("latest")));
            return m.digest();
        });
        assertThat(rows("manifests")).isEqualTo(16);
        assertThat(store.tags().resolve(REPO, Tag.parse("latest")))
                .hasValueSatisfying(d -> assertThat(pushed).contains(d));
    }

    // ---------------------------------------------------------------------------------------------- referrers

    private final Digest subject = digest("image");

    @Test
    void noReferrers() {
        assertThat(store.manifests().referrers(REPO, subject, Optional.empty())).isEmpty();
    }

    @Test
    void listsManifestsWhoseSubjectIsTheDigestInPushOrder() {
        var sig = referrer(
                REPO, "signature", subject, "application/vnd.dev.cosign.artifact.sig.v1+json", T0.plusSeconds(2));
        var sbom = referrer(REPO, "sbom", subject, "application/spdx+json", T0.plusSeconds(1));
        var untyped = referrer(REPO, "untyped", subject, null, T0.plusSeconds(3));
        var elsewhere = referrer(OTHER, "elsewhere", subject, "application/spdx+json", T0);
        var otherSubject = referrer(REPO, "other-subject", digest("another image"), "application/spdx+json", T0);
        for (var m : List.of(sig, sbom, untyped, elsewhere, otherSubject)) {
            store.manifests().put(m, Optional.empty());
        }
        store.manifests().put(manifest(REPO, "image", List.of()), Optional.empty());

        assertThat(store.manifests().referrers(REPO, subject, Optional.empty()))
                .containsExactly(descriptor(sbom), descriptor(sig), descriptor(untyped));
    }

    @Test
    void filtersByArtifactType() {
        var sig = referrer(REPO, "signature", subject, "application/vnd.dev.cosign.artifact.sig.v1+json", T0);
        var sbom1 = referrer(REPO, "sbom1", subject, "application/spdx+json", T0.plusSeconds(1));
        var sbom2 = referrer(REPO, "sbom2", subject, "application/spdx+json", T0.plusSeconds(1));
        for (var m : List.of(sbom2, sig, sbom1)) {
            store.manifests().put(m, Optional.empty());
        }
        var sboms = Stream.of(sbom1, sbom2)
                .sorted(Comparator.comparing(m -> m.digest().toString()))
                .map(this::descriptor)
                .toList();
        assertThat(store.manifests().referrers(REPO, subject, Optional.of("application/spdx+json")))
                .containsExactlyElementsOf(sboms);
        assertThat(store.manifests()
                        .referrers(REPO, subject, Optional.of("application/vnd.dev.cosign.artifact.sig.v1+json")))
                .containsExactly(descriptor(sig));
        assertThat(store.manifests().referrers(REPO, subject, Optional.of("text/plain")))
                .isEmpty();
    }

    @Test
    void descriptorsCarrySizeArtifactTypeAndAnnotations() {
        var sig = referrer(REPO, "signature", subject, "application/example", T0);
        store.manifests().put(sig, Optional.empty());
        var d = store.manifests().referrers(REPO, subject, Optional.empty()).getFirst();
        assertThat(d.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(d.digest()).isEqualTo(sig.digest());
        assertThat(d.size()).isEqualTo(sig.content().length);
        assertThat(d.artifactType()).isEqualTo("application/example");
        assertThat(d.annotations()).containsExactly(Map.entry("org.example.kind", "signature"));
    }

    @Test
    void aDeletedReferrerIsNoLongerListed() {
        var sig = referrer(REPO, "signature", subject, "application/example", T0);
        store.manifests().put(sig, Optional.empty());
        store.manifests().delete(REPO, sig.digest());
        assertThat(store.manifests().referrers(REPO, subject, Optional.empty())).isEmpty();
    }

    private Descriptor descriptor(ManifestRecord m) {
        return new Descriptor(m.mediaType(), m.digest(), m.size(), m.artifactType(), m.annotations());
    }

    // ---------------------------------------------------------------------------------------------- tags

    @Test
    void unknownTagDoesNotResolve() {
        assertThat(store.tags().resolve(REPO, Tag.parse("nope"))).isEmpty();
        assertThat(store.tags().list(REPO, Optional.empty(), 10)).isEmpty();
    }

    @Test
    void listIsLexicalByCodePointAfterTheGivenTagAndLimited() {
        var m = manifest(REPO, "m", List.of());
        List<String> names = new ArrayList<>(
                List.of("latest", "v1.0", "v1.10", "v1.9", "V2", "_x", "a-b", "a.b", "a_b", "ab", "A", "0"));
        Collections.shuffle(names);
        for (String t : names) {
            store.manifests().put(m, Optional.of(Tag.parse(t)));
        }
        var sorted = names.stream().sorted().toList();
        assertThat(store.tags().list(REPO, Optional.empty(), 100))
                .map(Tag::value)
                .containsExactlyElementsOf(sorted);
        assertThat(store.tags().list(REPO, Optional.empty(), 5))
                .map(Tag::value)
                .containsExactlyElementsOf(sorted.subList(0, 5));
        assertThat(store.tags().list(REPO, Optional.of(Tag.parse(sorted.get(4))), 5))
                .map(Tag::value)
                .containsExactlyElementsOf(sorted.subList(5, 10));
        assertThat(store.tags().list(REPO, Optional.of(Tag.parse("b")), 100))
                .map(Tag::value)
                .containsExactlyElementsOf(
                        sorted.stream().filter(t -> t.compareTo("b") > 0).toList());
        assertThat(store.tags().list(REPO, Optional.of(Tag.parse(sorted.getLast())), 5))
                .isEmpty();
        assertThat(store.tags().list(REPO, Optional.empty(), 0)).isEmpty();
        assertThat(store.tags().list(OTHER, Optional.empty(), 100)).isEmpty();
    }

    @Test
    void deleteRemovesOnlyTheTag() {
        var m = manifest(REPO, "m", List.of());
        store.manifests().put(m, Optional.of(Tag.parse("a")));
        store.manifests().put(m, Optional.of(Tag.parse("b")));
        assertThat(store.tags().delete(REPO, Tag.parse("a"))).isTrue();
        assertThat(store.tags().resolve(REPO, Tag.parse("a"))).isEmpty();
        assertThat(store.tags().resolve(REPO, Tag.parse("b"))).contains(m.digest());
        assertThat(store.manifests().get(REPO, m.digest())).isPresent();
        assertThat(store.tags().delete(REPO, Tag.parse("a"))).isFalse();
        assertThat(store.tags().delete(OTHER, Tag.parse("b"))).isFalse();
    }

    // ---------------------------------------------------------------------------------------------- uploads

    private final UploadSession session = new UploadSession("0b6c5f0e-3d1c-4c3e-9a51-0a7c7d1e2f3a", REPO, 0, T0, T0);

    @Test
    void createdSessionRoundTrips() {
        assertThat(store.uploads().get(session.id())).isEmpty();
        store.uploads().create(session);
        assertThat(store.uploads().get(session.id())).contains(session);
    }

    @Test
    void creatingTheSameIdTwiceIsAConflict() {
        store.uploads().create(session);
        assertThatThrownBy(() -> store.uploads().create(session)).isInstanceOf(Conflict.class);
    }

    @Test
    void advanceIsACompareAndSetOnTheSize() {
        store.uploads().create(session);
        assertThat(store.uploads().advance(session.id(), 0, 100)).isTrue();
        var advanced = store.uploads().get(session.id()).orElseThrow();
        assertThat(advanced.size()).isEqualTo(100);
        assertThat(advanced.startedAt()).isEqualTo(T0);
        assertThat(advanced.updatedAt()).isAfterOrEqualTo(T0);

        assertThat(store.uploads().advance(session.id(), 0, 50)).isFalse();
        assertThat(store.uploads().advance(session.id(), 99, 150)).isFalse();
        assertThat(store.uploads().get(session.id()).orElseThrow().size()).isEqualTo(100);
        assertThat(store.uploads().advance(session.id(), 100, 150)).isTrue();
        assertThat(store.uploads().get(session.id()).orElseThrow().size()).isEqualTo(150);
    }

    @Test
    void advanceOfAnUnknownUploadFails() {
        assertThat(store.uploads().advance("unknown", 0, 10)).isFalse();
    }

    @Test
    void onlyOneOfConcurrentAdvancesFromTheSameSizeWins() throws Exception {
        store.uploads().create(session);
        var size = new AtomicInteger(1);
        var wins = concurrently(12, () -> store.uploads().advance(session.id(), 0, size.getAndIncrement() * 10L));
        assertThat(wins).filteredOn(w -> w).hasSize(1);
        assertThat(store.uploads().get(session.id()).orElseThrow().size()).isPositive();
    }

    @Test
    void deleteRemovesTheSessionAndIgnoresUnknownIds() {
        store.uploads().create(session);
        store.uploads().delete(session.id());
        assertThat(store.uploads().get(session.id())).isEmpty();
        store.uploads().delete(session.id());
        store.uploads().delete("never-existed");
    }

    // ---------------------------------------------------------------------------------------------- users and keys

    private final UserRecord alice =
            new UserRecord("alice", "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", T0);

    @Test
    void createdUserIsFound() {
        assertThat(store.users().find("alice")).isEmpty();
        assertThat(store.users().create(alice)).isTrue();
        var found = store.users().find("alice").orElseThrow();
        assertThat(found.username()).isEqualTo("alice");
        assertThat(found.passwordHash()).isEqualTo(alice.passwordHash());
        assertThat(found.createdAt()).isEqualTo(T0);
    }

    @Test
    void creatingATakenNameFailsAndKeepsTheFirstUser() {
        assertThat(store.users().create(alice)).isTrue();
        assertThat(store.users().create(new UserRecord("alice", "$argon2id$other", T0.plusSeconds(1))))
                .isFalse();
        assertThat(store.users().find("alice").orElseThrow().passwordHash()).isEqualTo(alice.passwordHash());
    }

    @Test
    void usersAreListedByName() {
        store.users().create(new UserRecord("bob", "$argon2id$bob", T0.plusSeconds(1)));
        store.users().create(alice);
        assertThat(store.users().all()).extracting(UserRecord::username).containsExactly("alice", "bob");
        assertThat(store.users().all().getFirst().createdAt()).isEqualTo(T0);
    }

    @Test
    void namesAreCaseSensitive() {
        store.users().create(alice);
        assertThat(store.users().find("Alice")).isEmpty();
    }

    @Test
    void keysAreListedOldestFirst() {
        assertThat(store.signingKeys().all()).isEmpty();
        var newer = new SigningKeyRecord("k2", "{\"kty\":\"OKP\",\"d\":\"secret2\"}", T0.plusSeconds(60));
        var older = new SigningKeyRecord("k1", "{\"kty\":\"OKP\",\"d\":\"secret1\"}", T0);
        store.signingKeys().add(newer);
        store.signingKeys().add(older);
        var all = store.signingKeys().all();
        assertThat(all).extracting(SigningKeyRecord::keyId).containsExactly("k1", "k2");
        assertThat(all.getFirst().privateJwk()).isEqualTo(older.privateJwk());
        assertThat(all.getFirst().createdAt()).isEqualTo(T0);
    }

    @Test
    void addingAKeyIdTwiceIsAConflict() {
        var key = new SigningKeyRecord("k1", "{}", T0);
        store.signingKeys().add(key);
        assertThatThrownBy(() -> store.signingKeys().add(new SigningKeyRecord("k1", "{\"other\":1}", T0)))
                .isInstanceOf(Conflict.class);
        assertThat(store.signingKeys().all())
                .extracting(SigningKeyRecord::privateJwk)
                .containsExactly("{}");
    }

    @Test
    void deletingAKeyRemovesOnlyThatKey() {
        store.signingKeys().add(new SigningKeyRecord("k1", "{}", T0));
        store.signingKeys().add(new SigningKeyRecord("k2", "{}", T0.plusSeconds(60)));

        assertThat(store.signingKeys().delete("k1")).isTrue();
        assertThat(store.signingKeys().delete("k1")).as("already gone").isFalse();
        assertThat(store.signingKeys().all())
                .extracting(SigningKeyRecord::keyId)
                .containsExactly("k2");
    }
}
