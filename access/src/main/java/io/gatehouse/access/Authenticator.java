package io.gatehouse.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.access.federation.FederatedRobots;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UserRecord;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns an {@code Authorization} header into a {@link Caller}: none is anonymous, {@code Basic} is checked
 * against the user's Argon2id hash, {@code Bearer} against {@link TokenService}. Bad credentials and
 * malformed headers both throw {@link Unauthenticated}, whose message never says whether a user exists.
 *
 * <p>Clients send basic credentials on every request and Argon2id costs tens of milliseconds, so a
 * successful check is remembered for {@link #PASSWORD_CACHE_TTL}, keyed by an HMAC-SHA256 of username and
 * password under a key that lives only in this process; the password itself is never kept. A changed
 * password or deleted user is therefore honoured within that time.
 *
 * <p>Beyond local passwords and tokens, {@link Options} adds: robot secrets (a revoked or expired robot has
 * none, so its secret and its tokens stop authenticating at once: 401); a single sign-on user's personal CLI
 * secret, remembered only while the stored hash is still the one it was checked against, so replacing or
 * revoking it takes effect at once on every node; federated robots, whose password is an OIDC token from
 * their bound issuer; the {@link BreakGlassAlarm}, raised by every successful basic login of the break-glass
 * account; and the {@link LoginThrottle}, which counts failed Basic and Bearer attempts per source address
 * and, for Basic, per account name, and once either is limited refuses attempts with
 * {@link io.gatehouse.core.error.TooManyRequests} before any credential is checked, even a correct one.
 */
public final class Authenticator {
    public static final Duration PASSWORD_CACHE_TTL = Duration.ofSeconds(60);
    private static final int MAX_HEADER_LENGTH = 8 * 1024;
    private static final int MAX_USERNAME_LENGTH = 256;
    private static final int CACHE_SIZE = 10_000;
    private static final String BAD_PASSWORD = "invalid username or password";
    private static final String BAD_TOKEN = "invalid or expired token";
    private static final String MALFORMED = "malformed authorization header";

    /**
     * What the authenticator consults beyond local users and registry tokens; every part may be left out.
     *
     * @param robotSecretHashes a robot's stored secret hash by name, empty once it is revoked or expired;
     *     asked on every robot request, past the password cache (robots and users share one name space, so a
     *     name is tried as a user first)
     * @param cliSecretHashes a single sign-on user's CLI secret hash by name
     * @param federatedRobots logs in robots bound to an external OIDC issuer (keyless CI login); null: none
     * @param throttle limits failed logins per account and per source address
     * @param breakGlass raised when the break-glass account logs in
     * @param robotSignedIn told when a robot's secret or OIDC token was checked (not on remembered checks, so
     *     at most about once a {@link #PASSWORD_CACHE_TTL} per robot and node): its last-used time
     */
    public record Options(
            Function<String, Optional<String>> robotSecretHashes,
            Function<String, Optional<String>> cliSecretHashes,
            FederatedRobots federatedRobots,
            LoginThrottle throttle,
            BreakGlassAlarm breakGlass,
            Consumer<String> robotSignedIn) {
        public static final Options NONE = new Options(
                name -> Optional.empty(),
                name -> Optional.empty(),
                null,
                LoginThrottle.off(),
                BreakGlassAlarm.OFF,
                name -> {});

        public Options {
            Objects.requireNonNull(robotSecretHashes, "robotSecretHashes");
            Objects.requireNonNull(cliSecretHashes, "cliSecretHashes");
            Objects.requireNonNull(throttle, "throttle");
            Objects.requireNonNull(breakGlass, "breakGlass");
            Objects.requireNonNull(robotSignedIn, "robotSignedIn");
        }

        public Options withRobotSecretHashes(Function<String, Optional<String>> hashes) {
            return new Options(hashes, cliSecretHashes, federatedRobots, throttle, breakGlass, robotSignedIn);
        }

        public Options withCliSecretHashes(Function<String, Optional<String>> hashes) {
            return new Options(robotSecretHashes, hashes, federatedRobots, throttle, breakGlass, robotSignedIn);
        }

        public Options withFederatedRobots(FederatedRobots robots) {
            return new Options(robotSecretHashes, cliSecretHashes, robots, throttle, breakGlass, robotSignedIn);
        }

        public Options withThrottle(LoginThrottle limits) {
            return new Options(robotSecretHashes, cliSecretHashes, federatedRobots, limits, breakGlass, robotSignedIn);
        }

        public Options withBreakGlass(BreakGlassAlarm alarm) {
            return new Options(robotSecretHashes, cliSecretHashes, federatedRobots, throttle, alarm, robotSignedIn);
        }

        public Options withRobotSignedIn(Consumer<String> listener) {
            return new Options(robotSecretHashes, cliSecretHashes, federatedRobots, throttle, breakGlass, listener);
        }
    }

    private final MetadataStore.Users users;
    private final Options options;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final SecretKeySpec cacheKey;
    private final Cache<String, String> verifiedPasswords;
    private final String decoyHash;

    public Authenticator(MetadataStore.Users users, PasswordHasher hasher, TokenService tokens) {
        this(users, hasher, tokens, Clock.systemUTC(), Options.NONE);
    }

    public Authenticator(MetadataStore.Users users, PasswordHasher hasher, TokenService tokens, Clock clock) {
        this(users, hasher, tokens, clock, Options.NONE);
    }

    /** @param clock drives the expiry of remembered password checks */
    public Authenticator(
            MetadataStore.Users users, PasswordHasher hasher, TokenService tokens, Clock clock, Options options) {
        this.users = Objects.requireNonNull(users, "users");
        this.options = Objects.requireNonNull(options, "options");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(clock, "clock");
        this.decoyHash = decoyHash(hasher);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
        this.verifiedPasswords = Caffeine.newBuilder()
                .maximumSize(CACHE_SIZE)
                .expireAfterWrite(PASSWORD_CACHE_TTL)
                .ticker(() -> ChronoUnit.NANOS.between(Instant.EPOCH, clock.instant()))
                .executor(Runnable::run)
                .build();
    }

    /**
     * The caller the header identifies, for an internal caller (no address: failures are not counted per
     * address); see {@link #authenticate(String, RequestContext)}.
     */
    public Caller authenticate(String authorizationHeader) {
        return authenticate(authorizationHeader, RequestContext.INTERNAL);
    }

    /**
     * The caller the header identifies; {@link Caller#ANONYMOUS} if there is no header.
     *
     * @param context the request: its source address counts failures and is named in break-glass alarms
     * @throws Unauthenticated if the credentials are wrong, expired, of an unknown scheme or malformed
     * @throws io.gatehouse.core.error.TooManyRequests if the address or account has failed too often lately
     */
    public Caller authenticate(String authorizationHeader, RequestContext context) {
        Objects.requireNonNull(context, "context");
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            return Caller.ANONYMOUS;
        }
        String sourceAddress = context.sourceAddress();
        options.throttle().checkAddress(sourceAddress);
        try {
            return credentials(authorizationHeader, context);
        } catch (Unauthenticated e) {
            options.throttle().failedFromAddress(sourceAddress);
            throw e;
        }
    }

    /**
     * The account name a {@code Basic} header claims, for audit records of refused logins; empty for other
     * schemes and malformed headers. The password is decoded with it and wiped at once, never returned.
     */
    public static Optional<String> claimedAccount(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() > MAX_HEADER_LENGTH) {
            return Optional.empty();
        }
        String header = authorizationHeader.strip();
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("basic")) {
            return Optional.empty();
        }
        char[] decoded;
        try {
            decoded = decodeBasic(header.substring(space + 1).strip());
        } catch (Unauthenticated e) {
            return Optional.empty();
        }
        try {
            int colon = indexOf(decoded, ':');
            return colon <= 0 || colon > MAX_USERNAME_LENGTH
                    ? Optional.empty()
                    : Optional.of(new String(decoded, 0, colon));
        } finally {
            Arrays.fill(decoded, '\0');
        }
    }

    private Caller credentials(String authorizationHeader, RequestContext context) {
        if (authorizationHeader.length() > MAX_HEADER_LENGTH) {
            throw new Unauthenticated(MALFORMED);
        }
        String header = authorizationHeader.strip();
        int space = header.indexOf(' ');
        if (space < 0) {
            throw new Unauthenticated(MALFORMED);
        }
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = header.substring(space + 1).strip();
        if (credentials.isEmpty()) {
            throw new Unauthenticated(MALFORMED);
        }
        return switch (scheme) {
            case "basic" -> basic(credentials, context);
            case "bearer" -> bearer(credentials, context);
            default -> throw new Unauthenticated("unsupported authorization scheme");
        };
    }

    private Caller bearer(String token, RequestContext context) {
        Caller caller = tokens.verify(token).map(Caller::withToken).orElseThrow(() -> new Unauthenticated(BAD_TOKEN));
        switch (caller.principal()) {
            case Principal.Robot robot when !robotMaySignIn(robot.name()) -> throw new Unauthenticated(BAD_TOKEN);
            // Every request of the break-glass account is for review, also those made with the token it got.
            case Principal.User user -> options.breakGlass().authenticated(user.name(), context);
            default -> {}
        }
        return caller;
    }

    private boolean robotMaySignIn(String name) {
        return options.robotSecretHashes().apply(name).isPresent();
    }

    private Caller basic(String encoded, RequestContext context) {
        char[] decoded = decodeBasic(encoded);
        char[] password = null;
        try {
            int colon = indexOf(decoded, ':');
            if (colon <= 0 || colon > MAX_USERNAME_LENGTH) {
                throw new Unauthenticated(colon == 0 ? BAD_PASSWORD : MALFORMED);
            }
            String username = new String(decoded, 0, colon);
            password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
            // Before any check, even a remembered one, so a limited account is no password oracle.
            options.throttle().checkAccount(username);
            Caller caller = checkPassword(username, password, context);
            options.throttle().succeeded(username);
            return caller;
        } finally {
            Arrays.fill(decoded, '\0');
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private Caller checkPassword(String username, char[] password, RequestContext context) {
        String cacheEntry = cacheEntryFor(username, password);
        String remembered = verifiedPasswords.getIfPresent(cacheEntry);
        if (("user:" + username).equals(remembered)) {
            options.breakGlass().authenticated(username, context);
            return Caller.withPassword(username);
        }
        if (remembered != null && remembered.startsWith("cli:" + username + ":")) {
            String checkedHash = remembered.substring(("cli:" + username + ":").length());
            if (options.cliSecretHashes()
                    .apply(username)
                    .filter(checkedHash::equals)
                    .isPresent()) {
                return Caller.withPassword(username);
            }
            verifiedPasswords.invalidate(cacheEntry);
        }
        if (("robot:" + username).equals(remembered)) {
            if (!robotMaySignIn(username)) {
                verifiedPasswords.invalidate(cacheEntry);
                throw new Unauthenticated(BAD_PASSWORD);
            }
            return Caller.robotWithSecret(username);
        }
        char[] secret = password;
        return options.throttle()
                .passwordCheck(
                        username,
                        context.sourceAddress(),
                        () -> storedCredentials(username, secret, context, cacheEntry));
    }

    /** Checks against what is stored (Argon2id, or an issuer's token): the costly path the limits guard. */
    private Caller storedCredentials(String username, char[] password, RequestContext context, String cacheEntry) {
        Optional<UserRecord> user = users.find(username);
        if (user.isPresent()) {
            if (hasher.verify(password, user.get().passwordHash())) {
                verifiedPasswords.put(cacheEntry, "user:" + username);
                options.breakGlass().authenticated(username, context);
                return Caller.withPassword(username);
            }
            Optional<String> cliHash = options.cliSecretHashes().apply(username);
            if (cliHash.isPresent() && hasher.verify(password, cliHash.get())) {
                verifiedPasswords.put(cacheEntry, "cli:" + username + ":" + cliHash.get());
                return Caller.withPassword(username);
            }
            throw new Unauthenticated(BAD_PASSWORD);
        }
        if (options.federatedRobots() != null) {
            // Not remembered like a password: a token is checked cheaply and each expires on its own.
            Optional<Caller> federated = options.federatedRobots().login(username, new String(password), BAD_PASSWORD);
            if (federated.isPresent()) {
                options.robotSignedIn().accept(username);
                return federated.get();
            }
        }
        Optional<String> robotHash = options.robotSecretHashes().apply(username);
        if (robotHash.isPresent() && hasher.verify(password, robotHash.get())) {
            // A revoked or expired robot has no hash here; the authorizer checks both again as well.
            verifiedPasswords.put(cacheEntry, "robot:" + username);
            options.robotSignedIn().accept(username);
            return Caller.robotWithSecret(username);
        }
        if (robotHash.isEmpty()) {
            hasher.verify(password, decoyHash); // the same work as for a real account: no enumeration by timing
        }
        throw new Unauthenticated(BAD_PASSWORD);
    }

    private static char[] decodeBasic(String encoded) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new Unauthenticated(MALFORMED);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes));
            char[] result = new char[chars.remaining()];
            chars.get(result);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            return result;
        } catch (CharacterCodingException e) {
            throw new Unauthenticated(MALFORMED);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private String cacheEntryFor(String username, char[] password) {
        ByteBuffer passwordBytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            byte[] name = username.getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(4).putInt(name.length).array());
            mac.update(name);
            mac.update(passwordBytes);
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        } finally {
            if (passwordBytes.hasArray()) {
                Arrays.fill(passwordBytes.array(), (byte) 0);
            }
        }
    }

    /** A hash of a random password, made with the hasher's cost, to check against when the user is unknown. */
    private static String decoyHash(PasswordHasher hasher) {
        char[] random = new char[24];
        SecureRandom rng = new SecureRandom();
        for (int i = 0; i < random.length; i++) {
            random[i] = (char) ('a' + rng.nextInt(26));
        }
        return hasher.hash(random);
    }

    private static int indexOf(char[] chars, char wanted) {
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
