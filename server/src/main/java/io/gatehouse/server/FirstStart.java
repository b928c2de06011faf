package io.gatehouse.server;

import io.gatehouse.access.AdminBootstrap;
import io.gatehouse.access.PasswordHasher;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.store.MetadataStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * What the very first start sets up: the local {@code admin} user, bound as system admin. It is the
 * break-glass account that works without any identity provider. Later starts change nothing, so an
 * operator's later decisions about the admin binding stand.
 */
public final class FirstStart {
    private FirstStart() {}

    /** @return the generated password, when one was generated (to print once) */
    public static Optional<AdminBootstrap.Result.CreatedWithGeneratedPassword> ensureAdmin(
            MetadataStore metadata, Path dataDir, String suppliedPassword) {
        var result = new AdminBootstrap(metadata.users(), new PasswordHasher(), dataDir, Clock.systemUTC())
                .ensureAdmin(suppliedPassword);
        if (result instanceof AdminBootstrap.Result.AlreadyExists) {
            return Optional.empty();
        }
        metadata.access()
                .grant(new RoleBinding(
                        new Subject.User(io.gatehouse.access.AdminOnlyAuthorizer.ADMIN),
                        BindingScope.SYSTEM,
                        Role.ADMIN.name()));
        return result instanceof AdminBootstrap.Result.CreatedWithGeneratedPassword generated
                ? Optional.of(generated)
                : Optional.empty();
    }
}
