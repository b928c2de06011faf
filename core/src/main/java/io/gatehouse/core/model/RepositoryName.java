package io.gatehouse.core.model;

import io.gatehouse.core.error.Invalid;
import java.util.regex.Pattern;

/**
 * A repository name as the OCI distribution spec defines it: lowercase path components separated by '/',
 * each made of alphanumerics joined by '.', '_', '__' or runs of '-'. This rules out '..', empty segments
 * and anything a path could be escaped with.
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {

    public static final int MAX_LENGTH = 255;
    private static final Pattern NAME =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    public RepositoryName {
        if (value == null
                || value.isEmpty()
                || value.length() > MAX_LENGTH
                || !NAME.matcher(value).matches()) {
            throw new Invalid(Invalid.Kind.NAME, "invalid repository name");
        }
    }

    public static RepositoryName parse(String value) {
        return new RepositoryName(value);
    }

    /** The first path segment: the project that owns this repository. */
    public String project() {
        int slash = value.indexOf('/');
        return slash < 0 ? value : value.substring(0, slash);
    }

    @Override
    public int compareTo(RepositoryName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
