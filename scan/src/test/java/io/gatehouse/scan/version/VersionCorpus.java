package io.gatehouse.scan.version;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

/**
 * Deterministic test versions: strings glued from an ecosystem's tricky fragments, and the pairs worth comparing
 * (random pairs, pairs of near neighbours in our own order where a wrong rule shows first, and each version with
 * itself).
 */
final class VersionCorpus {
    private VersionCorpus() {}

    /** {@code count} distinct strings, each one fragment from every list in {@code slots}, in order. */
    static List<String> combine(Random random, int count, List<List<String>> slots) {
        var out = new LinkedHashSet<String>();
        for (int attempts = 0; out.size() < count && attempts < count * 20; attempts++) {
            var sb = new StringBuilder();
            for (List<String> slot : slots) {
                sb.append(slot.get(random.nextInt(slot.size())));
            }
            if (!sb.isEmpty()) {
                out.add(sb.toString());
            }
        }
        return new ArrayList<>(out);
    }

    /** {@code count} random strings of 1 to {@code maxLength} characters drawn from {@code alphabet}. */
    static List<String> noise(Random random, int count, String alphabet, int maxLength) {
        var out = new LinkedHashSet<String>();
        for (int attempts = 0; out.size() < count && attempts < count * 20; attempts++) {
            int length = 1 + random.nextInt(maxLength);
            var sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            out.add(sb.toString());
        }
        return new ArrayList<>(out);
    }

    static List<String> sample(Random random, Collection<String> from, int count) {
        var list = new ArrayList<>(from);
        java.util.Collections.shuffle(list, random);
        return new ArrayList<>(list.subList(0, Math.min(count, list.size())));
    }

    /**
     * {@code randomPairs} random pairs of valid versions, plus every pair of neighbours (distance 1 and 2) once
     * sorted by {@code scheme}, plus each version against itself.
     */
    static List<String[]> pairs(Random random, VersionScheme scheme, List<String> versions, int randomPairs) {
        // "0" is OSV's sentinel, below everything by contract rather than by the ecosystem's rules
        List<String> valid = new ArrayList<>(versions.stream()
                .filter(v -> scheme.isValid(v) && !v.equals(ParsedVersionScheme.OSV_ZERO))
                .toList());
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < randomPairs && !valid.isEmpty(); i++) {
            pairs.add(new String[] {valid.get(random.nextInt(valid.size())), valid.get(random.nextInt(valid.size()))});
        }
        valid.sort(scheme::compare);
        for (int i = 0; i < valid.size(); i++) {
            if (i + 1 < valid.size()) {
                pairs.add(new String[] {valid.get(i), valid.get(i + 1)});
            }
            if (i + 2 < valid.size()) {
                pairs.add(new String[] {valid.get(i + 2), valid.get(i)});
            }
            if (i % 10 == 0) {
                pairs.add(new String[] {valid.get(i), valid.get(i)});
            }
        }
        return pairs;
    }
}
