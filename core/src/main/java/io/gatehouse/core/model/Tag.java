package io.gatehouse.core.model;

import io.gatehouse.core.error.Invalid;
import java.util.regex.Pattern;

/** A tag: up to 128 characters of {@code [a-zA-Z0-9_.-]}, not starting with '.' or '-'. */
public record Tag(String value) implements Comparable<Tag> {

    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public Tag {
        if (value == null || !TAG.matcher(value).matches()) {
            throw new Invalid(Invalid.Kind.TAG, "invalid tag");
        }
    }

    public static Tag parse(String value) {
        return new Tag(value);
    }

    @Override
    public int compareTo(Tag other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
