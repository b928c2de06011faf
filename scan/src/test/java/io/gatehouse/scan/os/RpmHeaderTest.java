package io.gatehouse.scan.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The header parser on blobs made to lie about their own layout: every lie is an error, never an exception. */
class RpmHeaderTest {

    /** A header (overrides: 0 or -1 keep the real value) with NAME, VERSION, RELEASE, EPOCH, ARCH, SOURCERPM laid out as rpm lays them out. */
    private static byte[] header(int entriesOverride, int dataLengthOverride, int nameOffsetOverride) {
        var data = new ByteArrayOutputStream();
        int epochOffset = 0;
        data.writeBytes(ByteBuffer.allocate(4).putInt(3).array());
        int nameOffset = data.size();
        data.writeBytes("openssl-libs\0".getBytes(StandardCharsets.UTF_8));
        int versionOffset = data.size();
        data.writeBytes("3.0.7\0".getBytes(StandardCharsets.UTF_8));
        int releaseOffset = data.size();
        data.writeBytes("27.el9\0".getBytes(StandardCharsets.UTF_8));
        int archOffset = data.size();
        data.writeBytes("x86_64\0".getBytes(StandardCharsets.UTF_8));
        int sourceOffset = data.size();
        data.writeBytes("openssl-3.0.7-27.el9.src.rpm\0".getBytes(StandardCharsets.UTF_8));
        int[][] index = {
            {RpmHeader.NAME, 6, nameOffsetOverride < 0 ? nameOffset : nameOffsetOverride, 1},
            {RpmHeader.VERSION, 6, versionOffset, 1},
            {RpmHeader.RELEASE, 6, releaseOffset, 1},
            {RpmHeader.EPOCH, 4, epochOffset, 1},
            {RpmHeader.ARCH, 6, archOffset, 1},
            {RpmHeader.SOURCERPM, 6, sourceOffset, 1},
        };
        var blob = ByteBuffer.allocate(8 + 16 * index.length + data.size());
        blob.putInt(entriesOverride > 0 ? entriesOverride : index.length);
        blob.putInt(dataLengthOverride >= 0 ? dataLengthOverride : data.size());
        for (int[] entry : index) for (int field : entry) blob.putInt(field);
        blob.put(data.toByteArray());
        return blob.array();
    }

    private static byte[] valid() {
        return header(0, -1, -1);
    }

    @Test
    void readsTheFieldsRpmWrote() throws Exception {
        RpmHeader h = RpmHeader.parse(valid());

        assertThat(h)
                .isEqualTo(new RpmHeader(
                        "openssl-libs",
                        "3.0.7",
                        "27.el9",
                        OptionalInt.of(3),
                        "x86_64",
                        "openssl-3.0.7-27.el9.src.rpm"));
        assertThat(h.evr()).isEqualTo("3:3.0.7-27.el9");
    }

    @Test
    void offsetOutsideTheDataIsRefused() {
        assertThatThrownBy(() -> RpmHeader.parse(header(0, -1, 100_000)))
                .isInstanceOf(RpmHeader.RpmHeaderException.class)
                .hasMessageContaining("points outside the header data");
    }

    @Test
    void moreEntriesThanTheBlobHoldsIsRefused() {
        assertThatThrownBy(() -> RpmHeader.parse(header(50_000, -1, -1)))
                .isInstanceOf(RpmHeader.RpmHeaderException.class)
                .hasMessageContaining("shorter than its index says");
        assertThatThrownBy(() -> RpmHeader.parse(header(Integer.MAX_VALUE, -1, -1)))
                .isInstanceOf(RpmHeader.RpmHeaderException.class)
                .hasMessageContaining("claims");
    }

    @Test
    void dataLengthBeyondTheBlobIsRefused() {
        assertThatThrownBy(() -> RpmHeader.parse(header(0, 1 << 20, -1)))
                .isInstanceOf(RpmHeader.RpmHeaderException.class);
    }

    @Test
    void stringRunningOffTheEndIsRefused() {
        byte[] blob = valid();
        blob[blob.length - 1] = 'x'; // the SOURCERPM string loses its NUL
        assertThatThrownBy(() -> RpmHeader.parse(blob))
                .isInstanceOf(RpmHeader.RpmHeaderException.class)
                .hasMessageContaining("not NUL-terminated");
    }

    @Test
    void tooShortBlobIsRefused() {
        assertThatThrownBy(() -> RpmHeader.parse(new byte[5])).isInstanceOf(RpmHeader.RpmHeaderException.class);
    }

    @Test
    void everyTruncationIsRefusedCleanly() {
        byte[] blob = valid();
        for (int n = 0; n < blob.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(blob, n);
            assertThatThrownBy(() -> RpmHeader.parse(cut)).isInstanceOf(RpmHeader.RpmHeaderException.class);
        }
    }
}
