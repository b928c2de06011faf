package io.gatehouse.access.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.gatehouse.core.access.policy.AccessStore;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.error.Denied;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.store.SingleSignOnStore;
import io.gatehouse.core.store.SingleSignOnStore.PendingLogin;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login through the OpenID Connect provider: the authorization code flow with PKCE (S256), a nonce, and a
 * single-use state kept in the database so any node can finish what another started. A verified ID token
 * onboards its account as a local user (first login) and sets the user's groups from the groups claim; role
 * bindings to those groups then decide what the user may do, through the one decision point.
 */
public final class SingleSignOn {
    private static final Logger log = LoggerFactory.getLogger(SingleSignOn.class);

    /** Stored as the password hash of onboarded users: not a PHC string, so no password ever matches it. */
    public static final String NO_PASSWORD = "!sso";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,254}");
    private static final int MAX_GROUPS = 256;

    /** A finished login: who the user is here, and the groups the provider says it is in. */
    public record SignedIn(String username, Set<String> groups, boolean admin) {
        public SignedIn {
            groups = Set.copyOf(groups);
        }
    }

    private final OidcSettings settings;
    private final OidcProvider provider;
    private final SingleSignOnStore store;
    private final AccessStore access;
    private final Clock clock;

    public SingleSignOn(
            OidcSettings settings, OidcProvider provider, SingleSignOnStore store, AccessStore access, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.store = Objects.requireNonNull(store, "store");
        this.access = Objects.requireNonNull(access, "access");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public OidcSettings settings() {
        return settings;
    }

    /** Binds the admin group, if one is configured, as system admin; an existing binding is left alone. */
    public void bindAdminGroup() {
        settings.adminGroup()
                .ifPresent(group -> access.grant(
                        new RoleBinding(new Subject.Group(group), BindingScope.SYSTEM, Role.ADMIN.name())));
    }

    /**
     * Starts a login: remembers state, nonce and PKCE verifier, and returns the provider URL to send the browser to.
     *
     * @param defaultRedirect the callback URL to use when none is configured
     * @throws Unavailable if the provider cannot be reached
     */
    public URI startLogin(URI defaultRedirect) {
        var discovered = provider.discovered();
        URI redirect = settings.redirectUri().orElse(defaultRedirect);
        var state = new State();
        var nonce = new Nonce();
        var verifier = new CodeVerifier();
        store.savePendingLogin(
                new PendingLogin(
                        state.getValue(),
                        nonce.getValue(),
                        verifier.getValue(),
                        redirect.toString(),
                        clock.instant().plus(settings.loginTimeout())),
                clock.instant());
        Scope scope = new Scope("openid");
        settings.scopes().forEach(scope::add);
        return new AuthenticationRequest.Builder(ResponseType.CODE, scope, new ClientID(settings.clientId()), redirect)
                .endpointURI(discovered.metadata().getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /**
     * Finishes a login from the provider's redirect: redeems the code (with the PKCE verifier), validates the
     * ID token (signature from the provider's JWKS, issuer, audience, expiry, nonce), onboards the user on its
     * first login and replaces its groups with the groups claim.
     *
     * @throws Unauthenticated if the state is unknown, used or expired, or the provider refuses the code, or the
     *     ID token is not valid
     * @throws Denied if the account cannot become a local user (its name is invalid or taken by a local account)
     * @throws Unavailable if the provider cannot be reached
     */
    public SignedIn finishLogin(String code, String state) {
        if (state == null || state.isBlank() || state.length() > 128) {
            throw new Unauthenticated("the login has no valid state; start the login again");
        }
        PendingLogin pending = store.takePendingLogin(state)
                .filter(p -> clock.instant().isBefore(p.expiresAt()))
                .orElseThrow(() -> new Unauthenticated("unknown, used or expired login; start the login again"));
        if (code == null || code.isBlank()) {
            throw new Unauthenticated("the identity provider sent no authorization code");
        }
        var discovered = provider.discovered();
        JWT idToken = redeem(discovered, code, pending);
        IDTokenClaimsSet claims;
        try {
            claims = discovered.validator().validate(idToken, new Nonce(pending.nonce()));
        } catch (BadJOSEException e) {
            throw new Unauthenticated("the identity provider's ID token is not valid: " + e.getMessage());
        } catch (JOSEException e) {
            throw new Unavailable("cannot check the ID token against the identity provider's keys", e);
        }
        String issuer = claims.getIssuer().getValue();
        String subject = claims.getSubject().getValue();
        String username = store.userOf(issuer, subject).orElseGet(() -> onboard(claims, issuer, subject));
        Set<String> groups = groups(claims);
        syncGroups(username, groups);
        boolean admin = settings.adminGroup().map(groups::contains).orElse(false);
        log.info("single sign-on: {} logged in with groups {}", username, groups);
        return new SignedIn(username, groups, admin);
    }

    private JWT redeem(OidcProvider.Discovered discovered, String code, PendingLogin pending) {
        var grant = new AuthorizationCodeGrant(
                new AuthorizationCode(code),
                URI.create(pending.redirectUri()),
                new CodeVerifier(pending.codeVerifier()));
        URI endpoint = discovered.metadata().getTokenEndpointURI();
        var request = settings.clientSecret().isEmpty()
                ? new TokenRequest.Builder(endpoint, new ClientID(settings.clientId()), grant).build()
                : new TokenRequest.Builder(
                                endpoint,
                                new ClientSecretBasic(
                                        new ClientID(settings.clientId()), new Secret(settings.clientSecret())),
                                grant)
                        .build();
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout((int) OidcProvider.TIMEOUT.toMillis());
        http.setReadTimeout((int) OidcProvider.TIMEOUT.toMillis());
        TokenResponse response;
        try {
            HTTPResponse answer = http.send();
            response = OIDCTokenResponseParser.parse(answer);
        } catch (IOException e) {
            throw new Unavailable("the identity provider " + settings.issuer() + " is unreachable", e);
        } catch (ParseException e) {
            throw new Unavailable("the identity provider's token response is not valid", e);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            throw new Unauthenticated("the identity provider refused the login: "
                    + (error == null ? "no reason given" : error.getCode()));
        }
        if (!(response.toSuccessResponse() instanceof OIDCTokenResponse oidc)
                || oidc.getOIDCTokens().getIDToken() == null) {
            throw new Unauthenticated("the identity provider returned no ID token");
        }
        return oidc.getOIDCTokens().getIDToken();
    }

    private String onboard(IDTokenClaimsSet claims, String issuer, String subject) {
        Object claimed = claims.getClaim(settings.usernameClaim());
        if (!(claimed instanceof String value) || value.isBlank()) {
            throw new Denied("the ID token has no " + settings.usernameClaim() + " claim to name the user");
        }
        String username = value.toLowerCase(Locale.ROOT);
        if (!NAME.matcher(username).matches()) {
            throw new Denied("the " + settings.usernameClaim() + " '" + value
                    + "' is not a valid user name (lower-case letters, digits, '.', '_', '-', at most 64)");
        }
        if (!store.onboard(username, NO_PASSWORD, issuer, subject, clock.instant())) {
            // Never take over a local account (or another provider account) that has the same name.
            throw new Denied("the user name " + username + " is taken by another account; ask an administrator");
        }
        log.info("single sign-on: onboarded {} ({} at {})", username, subject, issuer);
        return username;
    }

    private Set<String> groups(IDTokenClaimsSet claims) {
        Object claim = claims.getClaim(settings.groupsClaim());
        Collection<?> values = switch (claim) {
            case null -> List.of();
            case String single -> List.of(single);
            case Collection<?> many -> many;
            default -> List.of();
        };
        Set<String> groups = new TreeSet<>();
        for (Object value : values) {
            if (value instanceof String group && GROUP.matcher(group).matches() && groups.size() < MAX_GROUPS) {
                groups.add(group);
            } else {
                log.debug("single sign-on: ignoring group claim value {}", value);
            }
        }
        return groups;
    }

    /** The provider owns a single sign-on user's groups: its claim replaces what the user had. */
    private void syncGroups(String username, Set<String> groups) {
        Set<String> current = access.groupsOf(username);
        for (String group : current) {
            if (!groups.contains(group)) {
                access.removeGroupMember(group, username);
            }
        }
        for (String group : groups) {
            if (!current.contains(group)) {
                access.addGroupMember(group, username);
            }
        }
    }
}
