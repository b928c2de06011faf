package io.gatehouse.access.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How Gatehouse signs users in through an OpenID Connect provider.
 *
 * @param issuer the provider's issuer URL; its discovery document is at {@code issuer/.well-known/openid-configuration}
 * @param clientSecret empty for a public client (PKCE only); never printed
 * @param redirectUri the callback URL registered at the provider; empty: derived from the server's public URL
 * @param usernameClaim the ID-token claim that names the local user (e.g. {@code preferred_username})
 * @param groupsClaim the ID-token claim listing the user's groups; they replace the user's group memberships
 * @param adminGroup members of this group are system admins; empty: none by group
 * @param scopes requested scopes besides {@code openid}
 * @param loginTimeout how long a started login may take at the provider
 */
public record OidcSettings(
        URI issuer,
        String clientId,
        String clientSecret,
        Optional<URI> redirectUri,
        String usernameClaim,
        String groupsClaim,
        Optional<String> adminGroup,
        List<String> scopes,
        Duration loginTimeout) {

    public OidcSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(usernameClaim, "usernameClaim");
        Objects.requireNonNull(groupsClaim, "groupsClaim");
        Objects.requireNonNull(adminGroup, "adminGroup");
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        scopes = List.copyOf(scopes);
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("clientId must not be empty");
        }
        if (usernameClaim.isBlank()) {
            throw new IllegalArgumentException("usernameClaim must not be empty");
        }
        if (loginTimeout.isNegative() || loginTimeout.isZero()) {
            throw new IllegalArgumentException("loginTimeout must be positive");
        }
    }

    @Override
    public String toString() {
        return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", redirectUri=" + redirectUri
                + ", usernameClaim=" + usernameClaim + ", groupsClaim=" + groupsClaim + ", adminGroup=" + adminGroup
                + ", scopes=" + scopes + "]";
    }
}
