package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
    /** Cheap enough to run many times; the OWASP cost is exercised once below. */
    static final PasswordHasher FAST = new PasswordHasher(new PasswordHasher.Cost(64, 1, 1));

    @Test
    void defaultCostHashRoundTripsInPhcForm() {
        PasswordHasher hasher = new PasswordHasher();
        String phc = hasher.hash("correct horse battery staple".toCharArray());

        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(hasher.verify("correct horse battery staple".toCharArray(), phc))
                .isTrue();
        assertThat(hasher.verify("correct horse battery stapler".toCharArray(), phc))
                .isFalse();
        assertThat(hasher.needsRehash(phc)).isFalse();
    }

    @Test
    void wrongPasswordIsRefused() {
        String phc = FAST.hash("s3cret".toCharArray());
        assertThat(FAST.verify("s3cret".toCharArray(), phc)).isTrue();
        assertThat(FAST.verify("S3cret".toCharArray(), phc)).isFalse();
        assertThat(FAST.verify(new char[0], phc)).isFalse();
        assertThat(FAST.verify(null, phc)).isFalse();
    }

    @Test
    void eachHashHasItsOwnSalt() {
        assertThat(FAST.hash("same".toCharArray())).isNotEqualTo(FAST.hash("same".toCharArray()));
    }

    /** Vectors from the reference implementation: {@code echo -n PASSWORD | argon2 SALT -id -t T -k M -p P -l L -e}. */
    @Test
    void verifiesHashesFromTheReferenceImplementation() {
        assertThat(
                        FAST.verify(
                                "correct horse battery staple".toCharArray(),
                                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM"))
                .isTrue();
        // Non-ASCII passwords are hashed as UTF-8, with two lanes and a 16-byte output.
        assertThat(FAST.verify(
                        "pässwörd".toCharArray(),
                        "$argon2id$v=19$m=64,t=1,p=2$MDEyMzQ1Njc4OWFiY2RlZg$6V2kqqGEl9DAVCXLtxrSLg"))
                .isTrue();
        assertThat(FAST.verify(
                        "passwörd".toCharArray(),
                        "$argon2id$v=19$m=64,t=1,p=2$MDEyMzQ1Njc4OWFiY2RlZg$6V2kqqGEl9DAVCXLtxrSLg"))
                .isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "plaintext",
                "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2d$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$t=1,m=64,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=1,p=1,keyid=abc$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA",
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$",
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM$",
                "$argon2id$v=19$m=64,t=1,p=1$$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                // padded, URL-safe or otherwise non-standard base64
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA==$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN-Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPN*aBqykOVLUxlMkZycXE1uWRM",
                // a base64 length no encoder produces
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdAAAA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                // salt or hash too short
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGc",
                // costs out of bounds, zero, signed, with leading zeros or overflowing an int
                "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=1,p=255$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=8,t=1,p=2$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=-64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$argon2id$v=19$m=064,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                " $argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$ARGON2ID$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
                "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
            })
    void malformedHashesAreRefusedWithoutThrowing(String phc) {
        assertThat(FAST.verify("correct horse battery staple".toCharArray(), phc))
                .isFalse();
        assertThat(FAST.needsRehash(phc)).isTrue();
    }

    @Test
    void overlongHashIsRefused() {
        String phc = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + "A".repeat(400);
        assertThat(FAST.verify("x".toCharArray(), phc)).isFalse();
    }

    @Test
    void hashesWithAnotherCostStillVerifyButNeedRehash() {
        String older = FAST.hash("pw".toCharArray());
        PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Cost(128, 2, 1));
        assertThat(stronger.verify("pw".toCharArray(), older)).isTrue();
        assertThat(stronger.needsRehash(older)).isTrue();
    }

    @Test
    void costOutsideBoundsIsRefused() {
        assertThatThrownBy(() -> new PasswordHasher.Cost(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher.Cost(64, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher.Cost(64, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher.Cost(1 << 21, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
