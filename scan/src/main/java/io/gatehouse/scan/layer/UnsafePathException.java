package io.gatehouse.scan.layer;

/** A tar entry whose name climbs out of the image root with {@code ..}. */
final class UnsafePathException extends Exception {
    UnsafePathException(String entryName) {
        super("entry name escapes the image root: " + abbreviate(entryName));
    }

    /** Entry names can be as long as the path limit allows; a message stays readable. */
    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " characters)";
    }
}
