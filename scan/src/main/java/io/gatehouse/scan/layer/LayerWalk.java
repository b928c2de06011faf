package io.gatehouse.scan.layer;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import io.gatehouse.scan.sbom.FileTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one layer's tar entries once: applies its whiteouts, records its links, and hands each regular file
 * to the extractors that want it, recording what they found in {@link ImageFacts}.
 */
final class LayerWalk {
    private static final Logger log = LoggerFactory.getLogger(LayerWalk.class);
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    /** A file several extractors want is read once into memory up to this size, else into a temp file. */
    private static final int SHARED_IN_MEMORY = 1 << 20;

    private final List<Extractor> extractors;
    private final ExtractionLimits limits;
    private final LayerBudget budget;
    private final ImageFacts image;
    private final int layerIndex;
    private final String layer;

    LayerWalk(
            List<Extractor> extractors,
            ExtractionLimits limits,
            LayerBudget budget,
            ImageFacts image,
            int layerIndex,
            String layer) {
        this.extractors = extractors;
        this.limits = limits;
        this.budget = budget;
        this.image = image;
        this.layerIndex = layerIndex;
        this.layer = layer;
    }

    void walk(InputStream tarStream) throws IOException, UnsafePathException {
        var tar = new BoundedTarInputStream(tarStream, budget);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            budget.entry();
            String path = ImagePath.ofEntry(checkLength(entry.getName()));
            String name = ImagePath.name(path);
            if (name.startsWith(WHITEOUT)) {
                whiteout(path, name);
            } else if (path.equals(ImagePath.ROOT)) {
                continue;
            } else if (entry.isDirectory()) {
                image.replace(path, layerIndex, true);
            } else {
                image.replace(path, layerIndex, false);
                if (entry.isSymbolicLink()) {
                    image.symlink(path, layerIndex, checkLength(entry.getLinkName()));
                } else if (entry.isLink()) {
                    image.hardlink(path, layerIndex, ImagePath.ofEntry(checkLength(entry.getLinkName())));
                } else if (isRegularFile(entry)) {
                    offer(tar, entry, path);
                }
            }
        }
    }

    private void whiteout(String path, String name) {
        String directory = ImagePath.parent(path);
        if (name.equals(OPAQUE)) {
            image.opaque(directory, layerIndex);
        } else if (!name.startsWith(WHITEOUT + WHITEOUT)) { // other .wh..wh. names are aufs bookkeeping
            image.whiteout(ImagePath.child(directory, name.substring(WHITEOUT.length())), layerIndex);
        }
    }

    /** Sparse files are skipped: no package database is sparse, and their holes would inflate unmetered. */
    private static boolean isRegularFile(TarArchiveEntry entry) {
        return entry.isFile()
                && !entry.isCharacterDevice()
                && !entry.isBlockDevice()
                && !entry.isFIFO()
                && !entry.isSparse();
    }

    private String checkLength(String name) throws LayerLimitExceededException {
        int max = limits.maxPathLength();
        if (name.length() > max || (name.length() * 3L > max && name.getBytes(StandardCharsets.UTF_8).length > max)) {
            throw budget.fail(new LayerLimitExceededException(
                    "maxPathLength",
                    false,
                    "an entry name in layer " + layer + " is longer than " + max + " bytes: "
                            + UnsafePathException.abbreviate(name)));
        }
        return name;
    }

    private void offer(InputStream tar, TarArchiveEntry entry, String path) throws IOException {
        boolean executable = (entry.getMode() & 0111) != 0;
        var wanting = new ArrayList<Extractor>();
        for (Extractor extractor : extractors) {
            if (extractor.wants(path, entry.getSize(), executable)) wanting.add(extractor);
        }
        if (wanting.isEmpty()) return;
        var content = new EntryContent(tar, budget);
        var facts = new ArrayList<FileFacts>();
        if (wanting.size() == 1) {
            facts.add(run(wanting.getFirst(), path, content));
        } else if (entry.getSize() <= SHARED_IN_MEMORY) {
            byte[] bytes = content.readAllBytes();
            for (Extractor extractor : wanting) facts.add(run(extractor, path, new ByteArrayInputStream(bytes)));
        } else {
            Path copy = Files.createTempFile("gatehouse-entry-", ".tmp");
            try {
                Files.copy(content, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                for (Extractor extractor : wanting) {
                    try (InputStream in = Files.newInputStream(copy)) {
                        facts.add(run(extractor, path, in));
                    }
                }
            } finally {
                Files.deleteIfExists(copy);
            }
        }
        image.record(path, layerIndex, layer, facts);
    }

    /**
     * One extractor on one file. Its own failures become a finding on that file; a failure of the layer stream
     * underneath it (a limit, a truncated tar), however the extractor reported it, stops the layer.
     */
    private FileFacts run(Extractor extractor, String path, InputStream content) throws IOException {
        FileFacts facts;
        try {
            facts = extractor.extract(path, layer, content, limits);
        } catch (IOException | RuntimeException e) {
            if (budget.failure() != null) throw budget.failure();
            log.debug("extractor {} failed on {} in layer {}", extractor.name(), path, layer, e);
            if (e instanceof FileTooLargeException) {
                return FileFacts.findings(List.of(new ContentFinding(
                        ImageExtractor.LIMIT_FINDING, Severity.HIGH, "maxFileBytes", e.getMessage(), layer, path)));
            }
            return FileFacts.findings(List.of(new ContentFinding(
                    ImageExtractor.EXTRACTOR_ERROR_FINDING,
                    Severity.UNKNOWN,
                    extractor.name(),
                    extractor.name() + " could not read this file: " + e.getMessage(),
                    layer,
                    path)));
        }
        if (budget.failure() != null) throw budget.failure();
        return facts;
    }
}
