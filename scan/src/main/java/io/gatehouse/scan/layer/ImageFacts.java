package io.gatehouse.scan.layer;

import io.gatehouse.scan.sbom.FileFacts;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the extractors found, per path, merged across layers the way an overlay filesystem merges them: a file
 * in a higher layer replaces the same path below; a whiteout ({@code .wh.NAME}) removes a path and everything
 * under it from lower layers; an opaque directory ({@code .wh..wh..opq}) hides everything lower layers put under
 * it. Only facts and link targets are kept, never file contents.
 *
 * <p>Links are kept so that paths can be resolved afterwards as the image would see them ({@code /etc/os-release
 * → ../usr/lib/os-release}), confined to the image root.
 */
final class ImageFacts {
    /** Symlink hops before a path is declared unresolvable, as Linux's MAXSYMLINKS. */
    static final int MAX_LINK_HOPS = 40;
    /** Links remembered per image; past this (a pathological image) links are no longer followed. */
    static final int MAX_LINKS = 200_000;

    /** The facts found in one file, and the layer it came from. */
    record Found(int layerIndex, String layer, String path, List<FileFacts> facts) {}

    /** A symbolic link (target as written) or a hard link (target relative to the root). */
    private record Link(int layerIndex, String target, boolean hard) {}

    private final TreeMap<String, Found> found = new TreeMap<>();
    private final TreeMap<String, Link> links = new TreeMap<>();

    /** An entry of any kind at {@code path} in layer {@code layerIndex} replaces what lower layers had there. */
    void replace(String path, int layerIndex, boolean directory) {
        found.remove(path);
        links.remove(path);
        if (!directory) {
            removeBelow(found, path, layerIndex);
            removeBelow(links, path, layerIndex);
        }
    }

    void whiteout(String path, int layerIndex) {
        removeIfLower(found, path, layerIndex);
        removeIfLower(links, path, layerIndex);
        removeBelow(found, path, layerIndex);
        removeBelow(links, path, layerIndex);
    }

    void opaque(String directory, int layerIndex) {
        removeBelow(found, directory, layerIndex);
        removeBelow(links, directory, layerIndex);
    }

    void record(String path, int layerIndex, String layer, List<FileFacts> facts) {
        found.put(path, new Found(layerIndex, layer, path, List.copyOf(facts)));
    }

    void symlink(String path, int layerIndex, String target) {
        if (links.size() < MAX_LINKS || links.containsKey(path)) links.put(path, new Link(layerIndex, target, false));
    }

    void hardlink(String path, int layerIndex, String target) {
        if (links.size() < MAX_LINKS || links.containsKey(path)) links.put(path, new Link(layerIndex, target, true));
    }

    List<Found> found() {
        return new ArrayList<>(found.values());
    }

    Optional<Found> at(String path) {
        return Optional.ofNullable(found.get(path));
    }

    /**
     * The path {@code path} names once every link on the way is followed, confined to the root as a container
     * sees it ({@code ..} at the root stays at the root); empty after {@link #MAX_LINK_HOPS} hops.
     */
    Optional<String> resolve(String path) {
        var pending = new ArrayDeque<>(segments(path));
        var resolved = new ArrayDeque<String>();
        int hops = 0;
        while (!pending.isEmpty()) {
            String segment = pending.pollFirst();
            if (segment.equals(".")) continue;
            if (segment.equals("..")) {
                resolved.pollLast();
                continue;
            }
            resolved.addLast(segment);
            Link link = links.get(ImagePath.join(resolved));
            if (link == null) continue;
            if (++hops > MAX_LINK_HOPS) return Optional.empty();
            resolved.pollLast();
            if (link.hard() || link.target().startsWith("/")) resolved.clear();
            var target = segments(link.target());
            for (int i = target.size() - 1; i >= 0; i--) pending.addFirst(target.get(i));
        }
        return Optional.of(ImagePath.join(resolved));
    }

    private static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static <T> void removeIfLower(TreeMap<String, T> map, String path, int layerIndex) {
        T value = map.get(path);
        if (value != null && layerOf(value) < layerIndex) map.remove(path);
    }

    /** Removes what lower layers put strictly below {@code directory}. */
    private static <T> void removeBelow(TreeMap<String, T> map, String directory, int layerIndex) {
        String prefix = directory.equals(ImagePath.ROOT) ? "/" : directory + "/";
        // '0' is the character after '/': the sub-map holds exactly the paths under the prefix.
        SortedMap<String, T> below =
                prefix.equals("/") ? map : map.subMap(prefix, prefix.substring(0, prefix.length() - 1) + "0");
        below.values().removeIf(value -> layerOf(value) < layerIndex);
    }

    private static int layerOf(Object value) {
        return value instanceof Found f ? f.layerIndex() : ((Link) value).layerIndex();
    }
}
