package io.gatehouse.oci.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.error.Denied;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.error.QuotaExceeded;
import io.gatehouse.core.error.RegistryException;
import io.gatehouse.core.error.TooManyRequests;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.error.Unsupported;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every domain error maps to the OCI code and status a client expects. */
class OciErrorRendererTest {
    static Stream<Arguments> mappings() {
        return Stream.of(
                Arguments.of(new NotFound(NotFound.Kind.BLOB, "x"), "BLOB_UNKNOWN", 404),
                Arguments.of(new NotFound(NotFound.Kind.MANIFEST, "x"), "MANIFEST_UNKNOWN", 404),
                Arguments.of(new NotFound(NotFound.Kind.REPOSITORY, "x"), "NAME_UNKNOWN", 404),
                Arguments.of(new NotFound(NotFound.Kind.UPLOAD, "x"), "BLOB_UPLOAD_UNKNOWN", 404),
                Arguments.of(new NotFound(NotFound.Kind.ROUTE, "x"), "UNSUPPORTED", 404),
                Arguments.of(new NotFound(NotFound.Kind.PROJECT, "x"), "NAME_UNKNOWN", 404),
                Arguments.of(new NotFound(NotFound.Kind.WEBHOOK, "x"), "NAME_UNKNOWN", 404),
                Arguments.of(new NotFound(NotFound.Kind.SCAN_REPORT, "x"), "MANIFEST_UNKNOWN", 404),
                Arguments.of(new Invalid(Invalid.Kind.DIGEST, "x"), "DIGEST_INVALID", 400),
                Arguments.of(new Invalid(Invalid.Kind.NAME, "x"), "NAME_INVALID", 400),
                Arguments.of(new Invalid(Invalid.Kind.TAG, "x"), "MANIFEST_INVALID", 400),
                Arguments.of(new Invalid(Invalid.Kind.MANIFEST, "x"), "MANIFEST_INVALID", 400),
                Arguments.of(new Invalid(Invalid.Kind.MANIFEST_REFERENCE, "x"), "MANIFEST_BLOB_UNKNOWN", 400),
                Arguments.of(new Invalid(Invalid.Kind.MANIFEST_TOO_LARGE, "x"), "MANIFEST_INVALID", 413),
                Arguments.of(new Invalid(Invalid.Kind.SIZE, "x"), "SIZE_INVALID", 400),
                Arguments.of(new Invalid(Invalid.Kind.UPLOAD, "x"), "BLOB_UPLOAD_INVALID", 400),
                Arguments.of(new Invalid(Invalid.Kind.UPLOAD_RANGE, "x"), "BLOB_UPLOAD_INVALID", 416),
                Arguments.of(new Invalid(Invalid.Kind.READ_RANGE, "x"), "SIZE_INVALID", 416),
                Arguments.of(new Invalid(Invalid.Kind.PAGINATION, "x"), "PAGINATION_NUMBER_INVALID", 400),
                Arguments.of(new Invalid(Invalid.Kind.PARAMETER, "x"), "UNSUPPORTED", 400),
                Arguments.of(new Unauthenticated("x"), "UNAUTHORIZED", 401),
                Arguments.of(new Denied("x"), "DENIED", 403),
                Arguments.of(new Conflict("x"), "BLOB_UPLOAD_INVALID", 409),
                Arguments.of(new Unsupported("x"), "UNSUPPORTED", 405),
                Arguments.of(new Unavailable("x", null), "UNAVAILABLE", 503),
                Arguments.of(new QuotaExceeded("x"), "DENIED", 507),
                Arguments.of(new TooManyRequests("x", 10, java.time.Duration.ofMinutes(5)), "TOOMANYREQUESTS", 429));
    }

    @ParameterizedTest
    @MethodSource("mappings")
    void mapsEachErrorToItsCodeAndStatus(RegistryException error, String code, int status) {
        var mapped = OciErrorRenderer.map(error);
        assertThat(mapped.code().name()).isEqualTo(code);
        assertThat(mapped.status()).isEqualTo(status);
    }

    @org.junit.jupiter.api.Test
    void everyInvalidAndNotFoundKindIsCovered() {
        assertThat(mappings().filter(a -> a.get()[0] instanceof Invalid).count())
                .isEqualTo(Invalid.Kind.values().length);
        assertThat(mappings().filter(a -> a.get()[0] instanceof NotFound).count())
                .isEqualTo(NotFound.Kind.values().length);
    }
}
