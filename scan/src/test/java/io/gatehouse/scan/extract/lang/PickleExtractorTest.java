package io.gatehouse.scan.extract.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.ExtractionLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PickleExtractorTest {
    private static final String LAYER = "sha256:" + "ab".repeat(32);
    private static Path pickles;
    private final PickleExtractor extractor = new PickleExtractor();

    @BeforeAll
    static void writePickles() throws IOException {
        pickles = LanguageFixtures.pickles();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void osSystemPickledWithGlobalIsCritical(int protocol) throws IOException {
        // os.system is posix.system on Linux, which is what pickle records
        assertThat(scan("system-p" + protocol + ".pkl"))
                .containsExactly(new ContentFinding(
                        PickleExtractor.DANGEROUS_GLOBAL,
                        Severity.CRITICAL,
                        "posix.system",
                        "GLOBAL at byte " + (protocol >= 2 ? 2 : 0)
                                + " imports posix.system, which loading this pickle can call",
                        LAYER,
                        "/models/system-p" + protocol + ".pkl"));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void osSystemPickledWithStackGlobalIsCritical(int protocol) throws IOException {
        assertThat(scan("system-p" + protocol + ".pkl"))
                .extracting(ContentFinding::severity, ContentFinding::subject, ContentFinding::detail)
                .containsExactly(tuple(
                        Severity.CRITICAL,
                        "posix.system",
                        "STACK_GLOBAL at byte 28 imports posix.system, which loading this pickle can call"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void evalIsCriticalUnderItsPython2NameToo(int protocol) throws IOException {
        // below protocol 3 Python writes builtins under their Python 2 module name
        assertThat(scan("eval-p" + protocol + ".pkl"))
                .extracting(ContentFinding::id, ContentFinding::severity, ContentFinding::subject)
                .containsExactly(tuple(
                        PickleExtractor.DANGEROUS_GLOBAL,
                        Severity.CRITICAL,
                        protocol < 3 ? "__builtin__.eval" : "builtins.eval"));
    }

    @Test
    void subprocessPopenIsCritical() throws IOException {
        assertThat(scan("popen.pickle")).extracting(ContentFinding::subject).containsExactly("subprocess.Popen");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ordereddict-p0.pkl", "ordereddict-p2.pkl", "ordereddict-p5.pkl", "state-dict.pkl"})
    void benignPicklesHaveNoFindings(String file) throws IOException {
        assertThat(scan(file)).isEmpty();
    }

    @Test
    void numpyAndTorchReconstructorsAreBenign() throws IOException {
        assertThat(scan("ndarray.pkl")).isEmpty();
        assertThat(scan("clean-model.pth")).isEmpty();
    }

    @Test
    void pytorchZipArchiveNamesTheEntry() throws IOException {
        assertThat(scan("model.pt"))
                .extracting(ContentFinding::subject, ContentFinding::path)
                .containsExactly(tuple("posix.system", "/models/model.pt!/archive/data.pkl"));
    }

    @Test
    void zipIsRecognisedByItsMagicNotItsName() throws IOException {
        assertThat(scan("weights.bin"))
                .extracting(ContentFinding::subject, ContentFinding::path)
                .containsExactly(tuple("builtins.eval", "/models/weights.bin!/archive/data.pkl"));
    }

    @Test
    void stackGlobalOperandsAreFollowedThroughTheMemo() throws IOException {
        assertThat(scan("memo-system.pkl"))
                .extracting(ContentFinding::subject, ContentFinding::detail)
                .containsExactly(tuple(
                        "posix.system",
                        "STACK_GLOBAL at byte 25 imports posix.system, which loading this pickle can call"));
    }

    @Test
    void computedGlobalNameIsCritical() throws IOException {
        // builtins.str itself is harmless; the second STACK_GLOBAL's module is whatever str() returned
        assertThat(scan("computed.pkl"))
                .extracting(ContentFinding::severity, ContentFinding::subject)
                .containsExactly(tuple(Severity.CRITICAL, "<computed>"));
    }

    @Test
    void everyPickleOfALegacyTorchFileIsRead() throws IOException {
        // the third pickle carries the payload; the raw tensor bytes after the last one are not a parse failure
        assertThat(scan("legacy.pth")).extracting(ContentFinding::subject).containsExactly("posix.system");
    }

    @Test
    void truncatedPickleIsReportedNotIgnored() throws IOException {
        assertThat(scan("truncated.pkl"))
                .containsExactly(new ContentFinding(
                        PickleExtractor.UNPARSED,
                        Severity.MEDIUM,
                        "could not be fully parsed",
                        "pickle could not be fully parsed: it ends inside the opcode at byte 2;"
                                + " only the globals before that point were checked",
                        LAYER,
                        "/models/truncated.pkl"));
    }

    @Test
    void globalsBeforeTheTruncationStillCount() throws IOException {
        assertThat(scan("truncated-after-global.pkl"))
                .extracting(ContentFinding::id, ContentFinding::subject)
                .containsExactly(
                        tuple(PickleExtractor.DANGEROUS_GLOBAL, "posix.system"),
                        tuple(PickleExtractor.UNPARSED, "could not be fully parsed"));
    }

    @Test
    void garbageNamedPklIsReportedAsUnparsed() throws IOException {
        // 'h' is BINGET: the first byte already asks for a memo entry that does not exist
        assertThat(scan("garbled.pkl"))
                .extracting(ContentFinding::detail)
                .containsExactly("pickle could not be fully parsed: memo key 101 not found at byte 0;"
                        + " only the globals before that point were checked");
    }

    @Test
    void binFileThatIsNoPickleIsLeftAlone() throws IOException {
        assertThat(scan("text.bin")).isEmpty();
    }

    @Test
    void wantsModelFileNamesOnly() {
        assertThat(extractor.wants("/m/model.PT", 10, false)).isTrue();
        assertThat(extractor.wants("/m/pytorch_model.bin", 10, false)).isTrue();
        assertThat(extractor.wants("/m/model.joblib", 10, false)).isTrue();
        assertThat(extractor.wants("/usr/bin/python3", 10, true)).isFalse();
        assertThat(extractor.wants("/etc/pkl", 10, false)).isFalse();
    }

    @Test
    void hugeInBandBytesAreSkippedNotBuffered() throws IOException {
        // BINBYTES8 claiming 2^62 bytes: a reader that allocated it would die; this one reports the truncation
        byte[] pickle = {(byte) 0x80, 4, (byte) 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x40};
        var findings = extractor
                .extract("/m/big.pkl", LAYER, new ByteArrayInputStream(pickle), ExtractionLimits.DEFAULTS)
                .findings();
        assertThat(findings)
                .extracting(ContentFinding::detail)
                .singleElement()
                .asString()
                .contains("ends inside the opcode at byte 2");
    }

    @Test
    void deeplyNestedMarksAreBounded() throws IOException {
        // a million MARKs and more: the simulated stack refuses to grow without bound
        InputStream marks = new InputStream() {
            long left = PickleOpcodeReader.MAX_STACK + 10L;

            @Override
            public int read() {
                return left-- > 0 ? '(' : -1;
            }
        };
        var findings = extractor
                .extract("/m/marks.pkl", LAYER, marks, ExtractionLimits.DEFAULTS)
                .findings();
        assertThat(findings)
                .extracting(ContentFinding::detail)
                .containsExactly("pickle could not be fully parsed: stack deeper than 1000000 values;"
                        + " only the globals before that point were checked");
    }

    @Test
    void stringsPastTheMemoBudgetAreReportedNotTrusted() throws IOException {
        // 250,000 memoized names spend the memo's budget; "posix" memoized after that is not kept, so a
        // STACK_GLOBAL that fetches it back cannot be named, while one over fresh strings still is
        var pickle = new java.io.ByteArrayOutputStream();
        pickle.write(new byte[] {(byte) 0x80, 4});
        int names = 250_000;
        for (int i = 0; i < names; i++) {
            shortString(pickle, String.format("s%07d", i));
            pickle.write(new byte[] {(byte) 0x94, '0'}); // MEMOIZE, POP
        }
        shortString(pickle, "posix");
        pickle.write(new byte[] {(byte) 0x94, '0', 'j'}); // MEMOIZE, POP, LONG_BINGET
        pickle.write(new byte[] {(byte) names, (byte) (names >> 8), (byte) (names >> 16), 0});
        shortString(pickle, "system");
        pickle.write(new byte[] {(byte) 0x93, '0'}); // STACK_GLOBAL, POP
        shortString(pickle, "posix");
        shortString(pickle, "system");
        pickle.write(new byte[] {(byte) 0x93, '.'}); // STACK_GLOBAL, STOP
        assertThat(names * 64L).isGreaterThan(PickleOpcodeReader.MEMO_STRING_BUDGET);

        var findings = extractor
                .extract(
                        "/m/many.pkl", LAYER, new ByteArrayInputStream(pickle.toByteArray()), ExtractionLimits.DEFAULTS)
                .findings();
        assertThat(findings)
                .extracting(ContentFinding::id, ContentFinding::severity, ContentFinding::subject)
                .containsExactly(
                        tuple(PickleExtractor.UNPARSED, Severity.MEDIUM, "could not be fully parsed"),
                        tuple(PickleExtractor.DANGEROUS_GLOBAL, Severity.CRITICAL, "posix.system"));
        assertThat(findings.getFirst().detail())
                .contains("names its global with strings beyond what the scanner keeps");
    }

    private static void shortString(java.io.ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(0x8c);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private List<ContentFinding> scan(String file) throws IOException {
        try (var in = Files.newInputStream(pickles.resolve(file))) {
            var facts = extractor.extract("/models/" + file, LAYER, in, ExtractionLimits.DEFAULTS);
            assertThat(facts.packages()).isEmpty();
            return facts.findings();
        }
    }
}
