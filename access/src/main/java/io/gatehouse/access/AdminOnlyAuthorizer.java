package io.gatehouse.access;

import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Authorizer;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;

/**
 * The placeholder policy until roles land: the user named {@value #ADMIN} may do everything; any other
 * authenticated user may only prove who it is ({@link Action#AUTHENTICATE}, so {@code docker login}
 * works); anonymous callers may do nothing. Everything not granted here is denied.
 */
public final class AdminOnlyAuthorizer implements Authorizer {
    public static final String ADMIN = "admin";

    @Override
    public AccessDecision decide(Principal principal, Action action, Resource resource) {
        return switch (principal) {
            case Principal.User user when ADMIN.equals(user.name()) -> AccessDecision.allow("admin may do everything");
            case Principal.User user when action == Action.AUTHENTICATE -> AccessDecision.allow("authenticated");
            case Principal.User user -> AccessDecision.deny(noRole(action, resource));
            case Principal.Robot robot -> AccessDecision.deny(noRole(action, resource));
            case Principal.Anonymous anonymous ->
                AccessDecision.deny("anonymous access is not allowed: " + noRole(action, resource));
        };
    }

    private static String noRole(Action action, Resource resource) {
        return "no role grants " + action.scopeName() + " on " + resource;
    }
}
