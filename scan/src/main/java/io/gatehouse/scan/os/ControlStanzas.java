package io.gatehouse.scan.os;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Paragraphs of {@code Field: value} lines separated by blank lines, as in dpkg's status file (deb822) and, with
 * {@code X:value} single-letter fields, apk's installed database. Only the first line of a folded field is kept:
 * the fields read here are never folded.
 */
final class ControlStanzas {
    private ControlStanzas() {}

    /** Values are stripped of surrounding blanks; the first occurrence of a repeated field wins. */
    static List<Map<String, String>> parse(String text) {
        var stanzas = new ArrayList<Map<String, String>>();
        var current = new HashMap<String, String>();
        int start = 0;
        int length = text.length();
        while (start <= length) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = length;
            String line = text.substring(start, end);
            if (line.isBlank()) {
                if (!current.isEmpty()) stanzas.add(current);
                current = new HashMap<>();
            } else if (line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                int colon = line.indexOf(':');
                if (colon > 0)
                    current.putIfAbsent(
                            line.substring(0, colon), line.substring(colon + 1).strip());
            }
            start = end + 1;
        }
        if (!current.isEmpty()) stanzas.add(current);
        return stanzas;
    }
}
