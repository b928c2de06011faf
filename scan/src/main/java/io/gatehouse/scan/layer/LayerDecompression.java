package io.gatehouse.scan.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Opens a layer's tar stream whatever its compression, decided by the first bytes rather than the media type
 * (registries and clients mislabel layers): gzip (all members of a concatenated stream, as runtimes read them),
 * zstd (all frames), or plain tar.
 */
final class LayerDecompression {
    private static final byte[] GZIP = {0x1f, (byte) 0x8b};
    private static final byte[] ZSTD = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    private static final byte[] BZIP2 = {'B', 'Z', 'h'};
    private static final byte[] XZ = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    private static final int BUFFER = 64 * 1024;

    private LayerDecompression() {}

    /**
     * The uncompressed tar bytes of {@code stored}, metered against the budget and decompressed ahead on another
     * thread; closing it stops that thread.
     */
    static InputStream open(InputStream stored, LayerBudget budget) throws IOException {
        var raw = new BufferedInputStream(MeteredInputStream.compressed(stored, budget), BUFFER);
        byte[] magic = peek(raw, XZ.length);
        InputStream tar;
        if (startsWith(magic, GZIP)) {
            tar = GzipCompressorInputStream.builder()
                    .setInputStream(raw)
                    .setDecompressConcatenated(true)
                    .get();
        } else if (startsWith(magic, ZSTD)) {
            tar = new ZstdInputStreamNoFinalizer(raw);
        } else if (startsWith(magic, BZIP2) || startsWith(magic, XZ)) {
            throw new LayerFormatException(
                    "layer " + budget.layer() + " is bzip2 or xz compressed, which OCI layers are not", null);
        } else {
            tar = raw;
        }
        budget.compressed(tar != raw);
        var ahead = new ReadAheadInputStream(MeteredInputStream.uncompressed(tar, budget));
        return MeteredInputStream.tarInput(ahead, budget);
    }

    private static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] head = in.readNBytes(n);
        in.reset();
        return head;
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
