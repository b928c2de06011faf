package io.gatehouse.scan.local;

/** Member names inside an image layout or archive: relative, no {@code ..}, no empty segments. */
final class ArchiveNames {
    static final int MAX_NAME = 4096;

    private ArchiveNames() {}

    /** {@code ./index.json} and {@code index.json} are the same member. */
    static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) n = n.substring(2);
        return n;
    }

    static boolean safe(String name) {
        if (name.isEmpty()
                || name.length() > MAX_NAME
                || name.startsWith("/")
                || name.contains("\\")
                || name.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (segment.equals("..")) return false;
        }
        return true;
    }
}
