package io.gatehouse.scan.extract.lang;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * Finds pickles that run code when loaded (issue 5, item 7): raw pickles ({@code .pkl}, legacy {@code torch.save}
 * files holding several pickles in a row) and PyTorch zip archives ({@code archive/data.pkl}), recognised by their
 * magic rather than their name. Nothing is ever unpickled: {@link PickleOpcodeReader} only reads opcodes.
 */
public final class PickleExtractor implements Extractor {
    public static final String DANGEROUS_GLOBAL = "GATEHOUSE-PICKLE-GLOBAL";
    public static final String UNPARSED = "GATEHOUSE-PICKLE-UNPARSED";

    /** Names that are pickles whatever their first byte (protocols 0 and 1 have no header). */
    private static final Set<String> PICKLE_SUFFIXES = Set.of(".pkl", ".pickle", ".pt", ".pth", ".joblib");
    /** Names often used for other binary data: only looked at when they start like a pickle or a zip. */
    private static final Set<String> MAYBE_PICKLE_SUFFIXES = Set.of(".bin", ".ckpt");

    private static final int PROTO = 0x80;
    private static final int MAX_PICKLES_PER_FILE = 16;

    @Override
    public String name() {
        return "pickle";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        return suffixIn(path, PICKLE_SUFFIXES) || suffixIn(path, MAYBE_PICKLE_SUFFIXES);
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        var in = new BufferedInputStream(content, 8192);
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        var findings = new Findings(layer);
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            scanZip(path, in, limits, findings);
        } else if (head.length > 0 && ((head[0] & 0xff) == PROTO || suffixIn(path, PICKLE_SUFFIXES))) {
            scanPickles(path, in, findings);
        }
        return FileFacts.findings(findings.list());
    }

    /** A PyTorch archive: every {@code .pkl} entry ({@code data.pkl}, TorchScript's {@code constants.pkl}). */
    private static void scanZip(String path, InputStream in, ExtractionLimits limits, Findings findings)
            throws IOException {
        var budget = new ReadBudget(limits.maxFileBytes());
        long entries = 0;
        try (var zip = new ZipArchiveInputStream(in, "UTF-8", true, true)) {
            for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (++entries > limits.maxEntries()) {
                    findings.unparsed(path, "the archive has more than " + limits.maxEntries() + " entries");
                    return;
                }
                if (!entry.isDirectory() && entry.getName().endsWith(".pkl")) {
                    scanPickles(path + "!/" + entry.getName(), budget.wrap(zip), findings);
                }
            }
        } catch (ReadBudget.Exceeded e) {
            findings.unparsed(path, "its pickles inflate to " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            // commons-compress reports a damaged zip with either; the findings so far stand
            findings.unparsed(path, "the zip archive is damaged (" + e.getMessage() + ")");
        }
    }

    /**
     * One pickle, or several in a row as legacy {@code torch.save} writes them (magic, protocol, sys info, data,
     * storage keys) before raw tensor bytes; a later pickle only counts when it starts with PROTO.
     */
    private static void scanPickles(String path, InputStream in, Findings findings) throws IOException {
        var input = new PickleInput(in);
        for (int i = 0; i < MAX_PICKLES_PER_FILE; i++) {
            PickleWalk walk = PickleOpcodeReader.walk(input);
            walk.imports().forEach(global -> findings.global(path, global));
            if (walk.failure().isPresent()) {
                // after the first pickle, bytes that merely start like one are most likely tensor data
                if (i == 0) findings.unparsed(path, walk.failure().get());
                return;
            }
            if (input.peek() != PROTO) return;
        }
    }

    private static boolean suffixIn(String path, Set<String> suffixes) {
        int dot = path.lastIndexOf('.');
        return dot >= 0 && suffixes.contains(path.substring(dot).toLowerCase(Locale.ROOT));
    }

    /** The findings of one file, one per offending global and place. */
    private static final class Findings {
        private final String layer;
        private final Map<String, ContentFinding> byKey = new LinkedHashMap<>();

        Findings(String layer) {
            this.layer = layer;
        }

        void global(String path, PickleImport global) {
            if (global.origin() == PickleImport.Origin.UNTRACKED) {
                unparsed(
                        path,
                        global.opcode() + " at byte " + global.offset()
                                + " names its global with strings beyond what the scanner keeps");
            } else if (global.origin() == PickleImport.Origin.COMPUTED) {
                add(new ContentFinding(
                        DANGEROUS_GLOBAL,
                        Severity.CRITICAL,
                        "<computed>",
                        global.opcode() + " at byte " + global.offset()
                                + " imports a global whose name is computed while loading, which hides what runs",
                        layer,
                        path));
            } else if (DangerousGlobals.isDangerous(global.module(), global.name())) {
                add(new ContentFinding(
                        DANGEROUS_GLOBAL,
                        Severity.CRITICAL,
                        global.qualifiedName(),
                        global.opcode() + " at byte " + global.offset() + " imports " + global.qualifiedName()
                                + ", which loading this pickle can call",
                        layer,
                        path));
            }
        }

        void unparsed(String path, String why) {
            add(new ContentFinding(
                    UNPARSED,
                    Severity.MEDIUM,
                    "could not be fully parsed",
                    "pickle could not be fully parsed: " + why + "; only the globals before that point were checked",
                    layer,
                    path));
        }

        private void add(ContentFinding finding) {
            byKey.putIfAbsent(finding.id() + "\0" + finding.subject() + "\0" + finding.path(), finding);
        }

        List<ContentFinding> list() {
            return List.copyOf(byKey.values());
        }
    }
}
