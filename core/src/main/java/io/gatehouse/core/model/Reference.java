package io.gatehouse.core.model;

/** What a manifest request names: a tag or a digest. */
public sealed interface Reference permits Reference.ByTag, Reference.ByDigest {

    record ByTag(Tag tag) implements Reference {
        @Override
        public String toString() {
            return tag.value();
        }
    }

    record ByDigest(Digest digest) implements Reference {
        @Override
        public String toString() {
            return digest.toString();
        }
    }

    /** A reference with a ':' is a digest (tags cannot contain one); anything else must be a valid tag. */
    static Reference parse(String value) {
        if (Digest.isDigest(value)) {
            return new ByDigest(Digest.parse(value));
        }
        return new ByTag(Tag.parse(value));
    }
}
