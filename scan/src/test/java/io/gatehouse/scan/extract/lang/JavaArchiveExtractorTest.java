package io.gatehouse.scan.extract.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.FileFacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Against real jars from Maven Central (see scan/pom.xml), assembled into fat jars, wars and ears here. */
class JavaArchiveExtractorTest {
    private static final String LAYER = "sha256:" + "cd".repeat(32);
    private final JavaArchiveExtractor extractor = new JavaArchiveExtractor();

    private static final byte[] LOG4J_CORE = ZipFixture.read(LanguageFixtures.mavenJar("log4j-core-2.14.1.jar"));
    private static final byte[] LOG4J_API = ZipFixture.read(LanguageFixtures.mavenJar("log4j-api-2.14.1.jar"));
    private static final byte[] COMMONS_TEXT = ZipFixture.read(LanguageFixtures.mavenJar("commons-text-1.9.jar"));
    private static final byte[] COMMONS_LANG = ZipFixture.read(LanguageFixtures.mavenJar("commons-lang3-3.11.jar"));

    @Test
    void plainJarIsNamedByItsPomProperties() throws IOException {
        assertThat(extract("/app/lib/log4j-core-2.14.1.jar", LOG4J_CORE).packages())
                .containsExactly(new DetectedPackage(
                        "maven",
                        "org.apache.logging.log4j:log4j-core",
                        "2.14.1",
                        null,
                        null,
                        "Maven",
                        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                        LAYER,
                        "/app/lib/log4j-core-2.14.1.jar"));
    }

    @Test
    void springBootFatJarListsItselfAndEveryNestedJar() throws IOException {
        byte[] fatJar = new ZipFixture()
                .add("META-INF/MANIFEST.MF", manifest("Main-Class: org.springframework.boot.loader.JarLauncher"))
                .add("META-INF/maven/com.example/demo/pom.properties", pom("com.example", "demo", "0.0.1-SNAPSHOT"))
                .add("BOOT-INF/classes/com/example/Demo.class", new byte[] {(byte) 0xca, (byte) 0xfe})
                .store("BOOT-INF/lib/log4j-core-2.14.1.jar", LOG4J_CORE)
                .store("BOOT-INF/lib/log4j-api-2.14.1.jar", LOG4J_API)
                .add("BOOT-INF/lib/commons-text-1.9.jar", COMMONS_TEXT)
                .add("BOOT-INF/lib/commons-lang3-3.11.jar", COMMONS_LANG)
                .bytes();
        var facts = extract("/app/app.jar", fatJar);
        assertThat(facts.packages())
                .extracting(
                        DetectedPackage::name, DetectedPackage::version, DetectedPackage::purl, DetectedPackage::path)
                .containsExactlyInAnyOrder(
                        tuple(
                                "com.example:demo",
                                "0.0.1-SNAPSHOT",
                                "pkg:maven/com.example/demo@0.0.1-SNAPSHOT",
                                "/app/app.jar"),
                        tuple(
                                "org.apache.logging.log4j:log4j-core",
                                "2.14.1",
                                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                                "/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar"),
                        tuple(
                                "org.apache.logging.log4j:log4j-api",
                                "2.14.1",
                                "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1",
                                "/app/app.jar!/BOOT-INF/lib/log4j-api-2.14.1.jar"),
                        tuple(
                                "org.apache.commons:commons-text",
                                "1.9",
                                "pkg:maven/org.apache.commons/commons-text@1.9",
                                "/app/app.jar!/BOOT-INF/lib/commons-text-1.9.jar"),
                        tuple(
                                "org.apache.commons:commons-lang3",
                                "3.11",
                                "pkg:maven/org.apache.commons/commons-lang3@3.11",
                                "/app/app.jar!/BOOT-INF/lib/commons-lang3-3.11.jar"));
        assertThat(facts.findings()).isEmpty();
    }

    @Test
    void earHoldingAWarHoldingJarsIsReadThroughout() throws IOException {
        assertThat(extract("/srv/shop.ear", ear()).packages())
                .extracting(DetectedPackage::name, DetectedPackage::path)
                .containsExactlyInAnyOrder(
                        tuple(
                                "org.apache.logging.log4j:log4j-api",
                                "/srv/shop.ear!/web.war!/WEB-INF/lib/log4j-api-2.14.1.jar"),
                        tuple("org.apache.commons:commons-text", "/srv/shop.ear!/lib/commons-text-1.9.jar"));
    }

    @Test
    void archivesNestedDeeperThanTheLimitAreReportedNotRead() throws IOException {
        var shallow = new ExtractionLimits(1L << 30, 10_000, 4096, 200, 64L << 20, 1);
        var facts = extractor.extract("/srv/shop.ear", LAYER, new ByteArrayInputStream(ear()), shallow);
        assertThat(facts.packages())
                .extracting(DetectedPackage::name)
                .containsExactly("org.apache.commons:commons-text");
        assertThat(facts.findings())
                .containsExactly(new ContentFinding(
                        JavaArchiveExtractor.ARCHIVE_LIMIT,
                        Severity.MEDIUM,
                        "nesting depth",
                        "/srv/shop.ear!/web.war!/WEB-INF/lib/log4j-api-2.14.1.jar is nested more than 1 archives deep: not read",
                        LAYER,
                        "/srv/shop.ear!/web.war"));
    }

    @Test
    void withoutPomPropertiesTheManifestAndFileNameName() throws IOException {
        byte[] strippedCore = new ZipFixture()
                .copy(LanguageFixtures.mavenJar("log4j-core-2.14.1.jar"), name -> !name.startsWith("META-INF/maven/"))
                .bytes();
        byte[] strippedText = new ZipFixture()
                .copy(LanguageFixtures.mavenJar("commons-text-1.9.jar"), name -> !name.startsWith("META-INF/maven/"))
                .bytes();
        // log4j's manifest has Implementation-Vendor-Id; commons-text's group comes from its Bundle-SymbolicName
        assertThat(extract("/opt/log4j-core-2.14.1.jar", strippedCore).packages())
                .extracting(DetectedPackage::name, DetectedPackage::version, DetectedPackage::purl)
                .containsExactly(tuple(
                        "org.apache.logging.log4j:log4j-core",
                        "2.14.1",
                        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"));
        assertThat(extract("/opt/commons-text-1.9.jar", strippedText).packages())
                .extracting(DetectedPackage::name, DetectedPackage::version)
                .containsExactly(tuple("org.apache.commons:commons-text", "1.9"));
    }

    @Test
    void zipBombStopsAtTheInflationBudget() throws IOException {
        // 16 MiB of zeros stored in a jar, deflated into the outer jar: ~16 KiB on disk
        byte[] inner = new ZipFixture().store("zeros.bin", new byte[16 << 20]).bytes();
        byte[] bomb = new ZipFixture()
                .add("META-INF/maven/com.example/bomb/pom.properties", pom("com.example", "bomb", "1.0"))
                .add("lib/inner.jar", inner)
                .bytes();
        assertThat(bomb.length).isLessThan(1 << 20);
        var limits = new ExtractionLimits(1L << 30, 10_000, 4096, 20, 1 << 20, 4);
        var facts = extractor.extract("/app/bomb.jar", LAYER, new ByteArrayInputStream(bomb), limits);
        assertThat(facts.findings())
                .extracting(ContentFinding::id, ContentFinding::subject, ContentFinding::path)
                .containsExactly(tuple(
                        JavaArchiveExtractor.ARCHIVE_LIMIT, "decompression ratio", "/app/bomb.jar!/lib/inner.jar"));
    }

    @Test
    void tooManyEntriesAreReported() throws IOException {
        var limits = new ExtractionLimits(1L << 30, 100, 4096, 200, 64L << 20, 4);
        var facts = extractor.extract("/app/core.jar", LAYER, new ByteArrayInputStream(LOG4J_CORE), limits);
        assertThat(facts.findings())
                .extracting(ContentFinding::id, ContentFinding::detail)
                .containsExactly(tuple(
                        JavaArchiveExtractor.ARCHIVE_LIMIT,
                        "more than 100 entries in the archive and those nested in it"));
    }

    @Test
    void truncatedJarIsReportedAsDamaged() throws IOException {
        byte[] truncated = Arrays.copyOf(LOG4J_CORE, LOG4J_CORE.length / 2);
        var facts = extract("/app/log4j-core-2.14.1.jar", truncated);
        assertThat(facts.packages()).isEmpty();
        assertThat(facts.findings())
                .extracting(ContentFinding::id, ContentFinding::severity, ContentFinding::path)
                .containsExactly(
                        tuple(JavaArchiveExtractor.ARCHIVE_DAMAGED, Severity.UNKNOWN, "/app/log4j-core-2.14.1.jar"));
    }

    @Test
    void fileThatIsNoZipYieldsNothing() throws IOException {
        var facts = extract("/app/notes.jar", "just text, not a zip".getBytes(StandardCharsets.UTF_8));
        assertThat(facts.packages()).isEmpty();
        assertThat(facts.findings()).isEmpty();
    }

    @Test
    void wantsJavaArchivesOnly() {
        assertThat(extractor.wants("/a/b.JAR", 1, false)).isTrue();
        assertThat(extractor.wants("/a/b.war", 1, false)).isTrue();
        assertThat(extractor.wants("/a/b.hpi", 1, false)).isTrue();
        assertThat(extractor.wants("/a/b.jar.sha1", 1, false)).isFalse();
        assertThat(extractor.wants("/a/jar", 1, false)).isFalse();
    }

    private byte[] ear() {
        byte[] war = new ZipFixture()
                .add("WEB-INF/web.xml", "<web-app/>".getBytes(StandardCharsets.UTF_8))
                .add("WEB-INF/lib/log4j-api-2.14.1.jar", LOG4J_API)
                .bytes();
        return new ZipFixture()
                .add("META-INF/application.xml", "<application/>".getBytes(StandardCharsets.UTF_8))
                .add("web.war", war)
                .add("lib/commons-text-1.9.jar", COMMONS_TEXT)
                .bytes();
    }

    private FileFacts extract(String path, byte[] archive) throws IOException {
        return extractor.extract(path, LAYER, new ByteArrayInputStream(archive), ExtractionLimits.DEFAULTS);
    }

    private static byte[] pom(String group, String artifact, String version) {
        return ("#Generated by Maven\ngroupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] manifest(String line) {
        return ("Manifest-Version: 1.0\r\n" + line + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
