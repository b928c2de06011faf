package io.gatehouse.scan.advisory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The JSON files of an OSV zip (the per-ecosystem {@code all.zip} dumps) or directory tree, offered one at a time,
 * so neither the database import nor a local scan holds the zip in memory. At most {@link #MAX_ENTRIES} entries
 * are read; an unreadable entry is rejected with its reason and the walk goes on.
 */
public final class OsvFiles {
    /** Entries (files) one zip or directory may hold. */
    public static final int MAX_ENTRIES = 1_000_000;

    /** Receives each JSON file, and the reason for each one that could not be read. */
    public interface Visitor {
        void accept(String name, InputStream json) throws IOException;

        void reject(String name, String reason);
    }

    private OsvFiles() {}

    /** @throws IllegalArgumentException when {@code path} is neither a readable zip nor a directory */
    public static void walk(Path path, Visitor visitor) throws IOException {
        if (Files.isDirectory(path)) {
            walkDirectory(path, visitor);
        } else {
            walkZip(path, visitor);
        }
    }

    private static void walkZip(Path zip, Visitor visitor) throws IOException {
        ZipFile file;
        try {
            file = new ZipFile(zip.toFile());
        } catch (ZipException e) {
            throw new IllegalArgumentException("not a zip file or directory: " + zip.getFileName(), e);
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("no such file or directory: " + zip, e);
        }
        try (file) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            int count = 0;
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (++count > MAX_ENTRIES) {
                    visitor.reject(entry.getName(), "more than " + MAX_ENTRIES + " entries; the rest was not read");
                    return;
                }
                if (entry.isDirectory() || !isJson(entry.getName())) {
                    continue;
                }
                try (InputStream in = file.getInputStream(entry)) {
                    visitor.accept(entry.getName(), in);
                } catch (IOException e) {
                    visitor.reject(entry.getName(), "unreadable zip entry: " + e.getMessage());
                }
            }
        }
    }

    private static void walkDirectory(Path dir, Visitor visitor) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            int count = 0;
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String name = dir.relativize(p).toString();
                if (!isJson(name)) {
                    continue;
                }
                if (++count > MAX_ENTRIES) {
                    visitor.reject(name, "more than " + MAX_ENTRIES + " files; the rest was not read");
                    return;
                }
                try (InputStream in = Files.newInputStream(p)) {
                    visitor.accept(name, in);
                } catch (IOException e) {
                    visitor.reject(name, "unreadable file: " + e.getMessage());
                }
            }
        }
    }

    private static boolean isJson(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".json");
    }
}
