package io.gatehouse.scan.extract.lang;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Assembles zip archives (fat jars, wars, ears) in memory for tests, entry by entry. */
final class ZipFixture {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ZipOutputStream zip = new ZipOutputStream(bytes);

    /** A deflated entry. */
    ZipFixture add(String name, byte[] content) {
        return put(new ZipEntry(name), content);
    }

    /** A stored entry, as Spring Boot stores the jars in BOOT-INF/lib. */
    ZipFixture store(String name, byte[] content) {
        var entry = new ZipEntry(name);
        var crc = new CRC32();
        crc.update(content);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        entry.setCrc(crc.getValue());
        return put(entry, content);
    }

    /** Copies the entries of an existing archive that {@code keep} accepts. */
    ZipFixture copy(Path archive, Predicate<String> keep) {
        try (var in = new ZipInputStream(Files.newInputStream(archive))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!entry.isDirectory() && keep.test(entry.getName())) add(entry.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    byte[] bytes() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ZipFixture put(ZipEntry entry, byte[] content) {
        try {
            zip.putNextEntry(entry);
            zip.write(content);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
