package io.gatehouse.http;

import io.gatehouse.core.error.RegistryException;

/** Turns domain errors into a protocol's own error responses. */
public interface ErrorRenderer {
    void render(Exchange exchange, RegistryException error) throws Exception;

    /** A 5xx that must not leak internals: the body carries only the request id. */
    void renderInternal(Exchange exchange) throws Exception;
}
