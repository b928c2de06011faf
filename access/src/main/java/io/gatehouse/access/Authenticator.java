package io.gatehouse.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 * <p>A single sign-on user has no usable password; the basic path accepts its personal CLI secret instead. A
 * remembered CLI-secret check is only used while the stored hash is still the one it was checked against, so
 * replacing or revoking the secret takes effect at once, on every node.
 *
 * <p>Every successful basic login of the break-glass account (remembered or not) raises the
 * {@link BreakGlassAlarm}.
 */
public final class Authenticator {
    public static final Duration PASSWORD_CACHE_TTL = Duration.ofSeconds(60);
    private static final int MAX_HEADER_LENGTH = 8 * 1024;
    private static final int MAX_USERNAME_LENGTH = 256;
    private static final int CACHE_SIZE = 10_000;
    private static final String BAD_PASSWORD = "invalid username or password";
    private static final String BAD_TOKEN = "invalid or expired token";
    private static final String MALFORMED = "malformed authorization header";

    private final MetadataStore.Users users;
    private final Function<String, Optional<String>> robotSecretHashes;
    private final Function<String, Optional<String>> cliSecretHashes;
    private final BreakGlassAlarm breakGlass;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final SecretKeySpec cacheKey;
    private final Cache<String, String> verifiedPasswords;
    private final String decoyHash;

    public Authenticator(MetadataStore.Users users, PasswordHasher hasher, TokenService tokens) {
        this(users, name -> Optional.empty(), hasher, tokens, Clock.systemUTC());
    }

    public Authenticator(MetadataStore.Users users, PasswordHasher hasher, TokenService tokens, Clock clock) {
        this(users, name -> Optional.empty(), hasher, tokens, clock);
    }

    /**
     * @param robotSecretHashes the stored secret hash of a robot account by name (robots and users share one
     *     name space, so a name is tried as a user first)
     * @param clock drives the expiry of remembered password checks
     */
    public Authenticator(
            MetadataStore.Users users,
            Function<String, Optional<String>> robotSecretHashes,
            PasswordHasher hasher,
            TokenService tokens,
            Clock clock) {
        this(users, robotSecretHashes, name -> Optional.empty(), BreakGlassAlarm.OFF, hasher, tokens, clock);
    }

    /**
     * @param cliSecretHashes the CLI secret hash of a single sign-on user by name
     * @param breakGlass raised when the break-glass account logs in
     */
    public Authenticator(
            MetadataStore.Users users,
            Function<String, Optional<String>> robotSecretHashes,
            Function<String, Optional<String>> cliSecretHashes,
            BreakGlassAlarm breakGlass,
            PasswordHasher hasher,
            TokenService tokens,
            Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.robotSecretHashes = Objects.requireNonNull(robotSecretHashes, "robotSecretHashes");
        this.cliSecretHashes = Objects.requireNonNull(cliSecretHashes, "cliSecretHashes");
        this.breakGlass = Objects.requireNonNull(breakGlass, "breakGlass");
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
     * The caller the header identifies; {@link Caller#ANONYMOUS} if there is no header.
     *
     * @throws Unauthenticated if the credentials are wrong, expired, of an unknown scheme or malformed
     */
    public Caller authenticate(String authorizationHeader) {
        return authenticate(authorizationHeader, RequestContext.INTERNAL);
    }

    /**
     * As {@link #authenticate(String)}, for a request from {@code context} (named in break-glass alarms).
     *
     * @throws Unauthenticated if the credentials are wrong, expired, of an unknown scheme or malformed
     */
    public Caller authenticate(String authorizationHeader, RequestContext context) {
        Objects.requireNonNull(context, "context");
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            return Caller.ANONYMOUS;
        }
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
            case "bearer" -> bearer(credentials);
            default -> throw new Unauthenticated("unsupported authorization scheme");
        };
    }

    private Caller bearer(String token) {
        return tokens.verify(token).map(Caller::withToken).orElseThrow(() -> new Unauthenticated(BAD_TOKEN));
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
            String cacheEntry = cacheEntryFor(username, password);
            String remembered = verifiedPasswords.getIfPresent(cacheEntry);
            if (("user:" + username).equals(remembered)) {
                breakGlass.authenticated(username, context);
                return Caller.withPassword(username);
            }
            if (remembered != null && remembered.startsWith("cli:" + username + ":")) {
                String checkedHash = remembered.substring(("cli:" + username + ":").length());
                if (cliSecretHashes.apply(username).filter(checkedHash::equals).isPresent()) {
                    return Caller.withPassword(username);
                }
                verifiedPasswords.invalidate(cacheEntry);
            }
            if (("robot:" + username).equals(remembered)) {
                return Caller.robotWithSecret(username);
            }
            Optional<UserRecord> user = users.find(username);
            if (user.isPresent()) {
                if (hasher.verify(password, user.get().passwordHash())) {
                    verifiedPasswords.put(cacheEntry, "user:" + username);
                    breakGlass.authenticated(username, context);
                    return Caller.withPassword(username);
                }
                Optional<String> cliHash = cliSecretHashes.apply(username);
                if (cliHash.isPresent() && hasher.verify(password, cliHash.get())) {
                    verifiedPasswords.put(cacheEntry, "cli:" + username + ":" + cliHash.get());
                    return Caller.withPassword(username);
                }
                throw new Unauthenticated(BAD_PASSWORD);
            }
            Optional<String> robotHash = robotSecretHashes.apply(username);
            if (robotHash.isPresent() && hasher.verify(password, robotHash.get())) {
                // Revocation and expiry are checked by the authorizer on every request, not here.
                verifiedPasswords.put(cacheEntry, "robot:" + username);
                return Caller.robotWithSecret(username);
            }
            if (robotHash.isEmpty()) {
                hasher.verify(password, decoyHash); // the same work as for a real account: no enumeration by timing
            }
            throw new Unauthenticated(BAD_PASSWORD);
        } finally {
            Arrays.fill(decoded, '\0');
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
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
