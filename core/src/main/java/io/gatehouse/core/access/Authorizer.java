package io.gatehouse.core.access;

/**
 * The single place that decides whether a principal may perform an action on a resource. Deny by default:
 * an implementation answers allow only for what it positively grants.
 */
public interface Authorizer {
    AccessDecision decide(Principal principal, Action action, Resource resource);
}
