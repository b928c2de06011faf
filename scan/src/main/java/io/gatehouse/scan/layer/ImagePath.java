package io.gatehouse.scan.layer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Paths inside an image: absolute, {@code /}-separated, without {@code .}, {@code ..} or empty segments, so
 * that one file has exactly one name however the layer spelt it ({@code ./usr/x}, {@code usr//x/}).
 */
final class ImagePath {
    static final String ROOT = "/";

    private ImagePath() {}

    /**
     * Normalises a tar entry name, which is relative to the image root.
     *
     * @throws UnsafePathException when {@code ..} would climb above the root (a layer a runtime refuses)
     */
    static String ofEntry(String name) throws UnsafePathException {
        var segments = new ArrayDeque<String>();
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) continue;
            if (segment.equals("..")) {
                if (segments.isEmpty()) throw new UnsafePathException(name);
                segments.removeLast();
            } else {
                segments.addLast(segment);
            }
        }
        return join(segments);
    }

    static String join(Deque<String> segments) {
        if (segments.isEmpty()) return ROOT;
        var path = new StringBuilder();
        for (String segment : segments) path.append('/').append(segment);
        return path.toString();
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? ROOT : path.substring(0, slash);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String child(String dir, String name) {
        return dir.equals(ROOT) ? ROOT + name : dir + "/" + name;
    }
}
