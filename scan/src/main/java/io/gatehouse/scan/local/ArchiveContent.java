package io.gatehouse.scan.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The files of an image on disk by their relative name ({@code index.json}, {@code blobs/sha256/...}): a directory,
 * or a tar read in place (its headers indexed once, each member streamed from its offset; nothing is extracted).
 */
sealed interface ArchiveContent extends Closeable {
    /** Members a tar may hold: image archives have a few per layer. */
    int MAX_TAR_ENTRIES = 100_000;

    boolean exists(String name);

    InputStream open(String name) throws IOException;

    static ArchiveContent of(Path path) throws IOException {
        if (Files.isDirectory(path)) return new Directory(path);
        if (!Files.exists(path)) throw new ImageArchiveException("no such file or directory: " + path);
        return Tar.open(path);
    }

    /** An OCI image layout directory; names never leave it (no {@code ..}, no absolute names, no symlinks out). */
    record Directory(Path root) implements ArchiveContent {
        @Override
        public boolean exists(String name) {
            return resolve(name) != null;
        }

        @Override
        public InputStream open(String name) throws IOException {
            Path file = resolve(name);
            if (file == null) throw new NoSuchFileException(name);
            return Files.newInputStream(file);
        }

        private Path resolve(String name) {
            if (!ArchiveNames.safe(name)) return null;
            Path file = root.resolve(name).normalize();
            try {
                if (!file.startsWith(root) || !Files.isRegularFile(file)) return null;
                return file.toRealPath().startsWith(root.toRealPath()) ? file : null;
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void close() {}
    }

    /** A tar ({@code docker save}, {@code docker-archive:}, {@code oci-archive:}), read in place. */
    final class Tar implements ArchiveContent {
        private final TarFile tar;
        private final Map<String, TarArchiveEntry> entries;

        private Tar(TarFile tar, Map<String, TarArchiveEntry> entries) {
            this.tar = tar;
            this.entries = entries;
        }

        static Tar open(Path path) throws IOException {
            TarFile tar;
            try {
                tar = new TarFile(path);
            } catch (IOException | RuntimeException e) {
                throw new ImageArchiveException(
                        path.getFileName() + " is neither an image layout directory nor a readable tar archive ("
                                + e.getMessage() + ")",
                        e);
            }
            try {
                var entries = new HashMap<String, TarArchiveEntry>();
                for (TarArchiveEntry entry : tar.getEntries()) {
                    if (entries.size() >= MAX_TAR_ENTRIES) {
                        throw new ImageArchiveException(
                                path.getFileName() + " has more than " + MAX_TAR_ENTRIES + " members");
                    }
                    String name = ArchiveNames.normalize(entry.getName());
                    if (name.isEmpty() || name.equals(".")) continue;
                    if (!ArchiveNames.safe(name)) {
                        throw new ImageArchiveException(path.getFileName() + " holds an unsafe member name '"
                                + entry.getName() + "' (absolute, or climbing out with ..); refused");
                    }
                    if (entry.isFile()) entries.put(name, entry);
                }
                if (entries.isEmpty()) {
                    throw new ImageArchiveException(path.getFileName() + " is an empty or unreadable tar archive");
                }
                return new Tar(tar, entries);
            } catch (IOException | RuntimeException e) {
                tar.close();
                throw e instanceof ImageArchiveException i
                        ? i
                        : new ImageArchiveException(
                                path.getFileName() + " is a damaged tar archive: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean exists(String name) {
            return entries.containsKey(name);
        }

        @Override
        public InputStream open(String name) throws IOException {
            TarArchiveEntry entry = entries.get(name);
            if (entry == null) throw new NoSuchFileException(name);
            return tar.getInputStream(entry);
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }
}
