package io.gatehouse.access;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import java.util.Set;

/**
 * What a credential allows, before any role is consulted. A password allows whatever its user may do; a
 * token allows only the grants it carries. Either way the {@code Authorizer} still has the last word.
 */
public sealed interface Grants permits Grants.All, Grants.Only {

    /** Whether the credential covers the action. Any valid credential covers {@link Action#AUTHENTICATE}. */
    boolean covers(Action action, Resource resource);

    /** No restriction from the credential itself (basic auth, anonymous). */
    record All() implements Grants {
        @Override
        public boolean covers(Action action, Resource resource) {
            return true;
        }
    }

    /** Restricted to an explicit set (a token's {@code access} claim). */
    record Only(Set<Grant> grants) implements Grants {
        public Only {
            grants = Set.copyOf(grants);
        }

        @Override
        public boolean covers(Action action, Resource resource) {
            return action == Action.AUTHENTICATE
                    || (Grant.isGrantable(action, resource) && grants.contains(new Grant(resource, action)));
        }
    }

    Grants ALL = new All();

    static Grants only(Set<Grant> grants) {
        return new Only(grants);
    }
}
