package io.gatehouse.access.federation;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Grants;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.policy.RobotFederation;
import io.gatehouse.core.error.Unauthenticated;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a federated robot in with an OIDC token from the issuer it is bound to, so a pipeline stores no secret.
 * The caller is that robot with exactly its own rights; revocation and expiry are checked by the authorizer on
 * every request, as for any robot.
 */
public final class FederatedRobots {
    private static final Logger log = LoggerFactory.getLogger(FederatedRobots.class);

    private final Function<String, Optional<RobotFederation>> bindings;
    private final FederatedTokenVerifier verifier;

    /** @param bindings the issuer binding of a robot by login name; empty if it is not federated */
    public FederatedRobots(Function<String, Optional<RobotFederation>> bindings, FederatedTokenVerifier verifier) {
        this.bindings = Objects.requireNonNull(bindings, "bindings");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * The robot named {@code name} if {@code token} is a valid token for it; empty if there is no federated robot
     * of that name (the caller then tries other kinds of account).
     *
     * @throws Unauthenticated with {@code refusal} as its message if the robot is federated and the token is not
     *     accepted; the reason is logged, never returned
     */
    public Optional<Caller> login(String name, String token, String refusal) {
        Optional<RobotFederation> binding = bindings.apply(name);
        if (binding.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> reason = verifier.refusal(binding.get(), token);
        if (reason.isPresent()) {
            log.info("federated login of {} refused: {}", name, reason.get());
            throw new Unauthenticated(refusal);
        }
        return Optional.of(new Caller(new Principal.Robot(name, Principal.AuthMethod.FEDERATED), Grants.ALL));
    }
}
