package io.gatehouse.oci.http;

import java.io.InputStream;

final class InputStreams {
    static final InputStream EMPTY = InputStream.nullInputStream();

    private InputStreams() {}
}
