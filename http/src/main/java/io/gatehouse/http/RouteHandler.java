package io.gatehouse.http;

/** Handles one matched route. Throws core RegistryExceptions; the dispatcher renders them. */
@FunctionalInterface
public interface RouteHandler {
    void handle(Exchange exchange) throws Exception;
}
