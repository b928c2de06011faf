package io.gatehouse.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials saved by {@code gatehouse login}, per server, in {@code $XDG_CONFIG_HOME/gatehouse/credentials.json}
 * (default {@code ~/.config/gatehouse}). Like docker's config, the file holds the password itself, so the
 * directory is 0700 and the file 0600, and it is replaced atomically so a crash never leaves half a file.
 */
final class SavedCredentials {
    record Login(String username, String password) {
        @Override
        public String toString() {
            return "Login[" + username + "]";
        }
    }

    private final Path file;

    SavedCredentials(Path file) {
        this.file = file;
    }

    /** The file for this environment: {@code XDG_CONFIG_HOME} if set and absolute, else {@code ~/.config}. */
    static SavedCredentials forEnvironment(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        return new SavedCredentials(base.resolve("gatehouse").resolve("credentials.json"));
    }

    Path file() {
        return file;
    }

    Optional<Login> find(String server) throws IOException {
        var entry = read().path("servers").path(key(server));
        if (!entry.path("username").isTextual() || !entry.path("password").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new Login(
                entry.path("username").asText(), entry.path("password").asText()));
    }

    void save(String server, Login login) throws IOException {
        ObjectNode all = read();
        ObjectNode servers = all.has("servers") ? (ObjectNode) all.get("servers") : all.putObject("servers");
        servers.putObject(key(server)).put("username", login.username()).put("password", login.password());
        write(all);
    }

    /** @return false if nothing was saved for the server */
    boolean remove(String server) throws IOException {
        ObjectNode all = read();
        if (!(all.get("servers") instanceof ObjectNode servers) || servers.remove(key(server)) == null) {
            return false;
        }
        write(all);
        return true;
    }

    static String key(String server) {
        return server.replaceAll("/+$", "");
    }

    private ObjectNode read() throws IOException {
        if (!Files.exists(file)) {
            return AdminClient.JSON.createObjectNode();
        }
        var node = AdminClient.JSON.readTree(file.toFile());
        if (!(node instanceof ObjectNode object)) {
            throw new IOException(file + " is not a JSON object; remove it and log in again");
        }
        return object;
    }

    private void write(ObjectNode all) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another gatehouse login is writing " + file, e);
        }
        Files.write(temp, AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
