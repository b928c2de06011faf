package io.gatehouse.oci.manifest;

import java.util.Locale;

/** Media type string handling shared by the inspector and the handlers. */
public final class OciMediaTypes {
    private OciMediaTypes() {}

    /** A media type without parameters such as charset, trimmed and lower-cased. */
    public static String base(String value) {
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
