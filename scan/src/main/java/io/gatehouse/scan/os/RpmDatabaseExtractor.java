package io.gatehouse.scan.os;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.EntryBytes;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Installed rpm packages (RHEL 9, Rocky, Alma, Fedora) from rpm's SQLite database, {@code
 * /var/lib/rpm/rpmdb.sqlite} or {@code /usr/lib/sysimage/rpm/rpmdb.sqlite}. The entry is copied to a bounded
 * temporary file, opened read-only and immutable (SQLite then neither locks nor writes beside it), and each row
 * of {@code Packages} is parsed as an rpm header by {@link RpmHeader}. The source package name comes from
 * {@code SOURCERPM}. The older BerkeleyDB and NDB databases are not read: they yield a finding saying so, so that
 * such an image does not pass as free of rpm packages.
 */
public final class RpmDatabaseExtractor implements Extractor {
    public static final String UNSUPPORTED_FINDING = "GATEHOUSE-RPMDB-UNSUPPORTED";
    private static final List<String> SQLITE =
            List.of("/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite");
    private static final List<String> OLDER = List.of(
            "/var/lib/rpm/Packages",
            "/var/lib/rpm/Packages.db",
            "/usr/lib/sysimage/rpm/Packages",
            "/usr/lib/sysimage/rpm/Packages.db");
    private static final int QUERY_TIMEOUT_SECONDS = 60;

    @Override
    public String name() {
        return "rpm-database";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        return SQLITE.contains(path) || OLDER.contains(path);
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        if (OLDER.contains(path)) {
            return FileFacts.findings(List.of(new ContentFinding(
                    UNSUPPORTED_FINDING,
                    Severity.UNKNOWN,
                    "rpm",
                    "this rpm database is in the BerkeleyDB or NDB format, which is not read: the image's rpm"
                            + " packages are unknown",
                    layer,
                    path)));
        }
        Path copy = Files.createTempFile("gatehouse-rpmdb-", ".sqlite");
        try {
            EntryBytes.copy(content, copy, path, limits);
            return FileFacts.packages(read(copy, path, layer));
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static List<DetectedPackage> read(Path database, String path, String layer) throws IOException {
        var config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        String url = "jdbc:sqlite:file:" + database.toAbsolutePath() + "?immutable=1";
        try (Connection db = config.createConnection(url);
                var statement = db.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.execute("PRAGMA trusted_schema = OFF");
            try (ResultSet kind = statement.executeQuery("SELECT type FROM sqlite_master WHERE name = 'Packages'")) {
                if (!kind.next() || !"table".equals(kind.getString(1))) {
                    throw new IOException("no Packages table in this rpm database");
                }
            }
            var packages = new ArrayList<DetectedPackage>();
            try (ResultSet rows = statement.executeQuery("SELECT hnum, blob FROM Packages ORDER BY hnum")) {
                while (rows.next()) {
                    RpmHeader header;
                    try {
                        header = RpmHeader.parse(rows.getBytes(2));
                    } catch (RpmHeader.RpmHeaderException e) {
                        throw new IOException("package " + rows.getLong(1) + ": " + e.getMessage(), e);
                    }
                    if (header.name().equals("gpg-pubkey")) continue; // an imported signing key, not software
                    packages.add(detected(header, path, layer));
                }
            }
            return packages;
        } catch (SQLException e) {
            throw new IOException("not a readable rpm database: " + e.getMessage(), e);
        }
    }

    private static DetectedPackage detected(RpmHeader h, String path, String layer) {
        String sourceName = h.name();
        String sourceVersion = h.evr();
        String source = h.sourceRpm().replaceFirst("\\.(no)?src\\.rpm$", "");
        int release = source.lastIndexOf('-');
        int version = release > 0 ? source.lastIndexOf('-', release - 1) : -1;
        if (version > 0) {
            sourceName = source.substring(0, version);
            sourceVersion = (h.epoch().isPresent() ? h.epoch().getAsInt() + ":" : "") + source.substring(version + 1);
        }
        String purl = OsPurl.of(
                "rpm",
                h.name(),
                h.version() + "-" + h.release(),
                Map.of(
                        "arch",
                        h.arch(),
                        "epoch",
                        h.epoch().isPresent() ? String.valueOf(h.epoch().getAsInt()) : ""));
        return new DetectedPackage("rpm", h.name(), h.evr(), sourceName, sourceVersion, "", purl, layer, path);
    }
}
