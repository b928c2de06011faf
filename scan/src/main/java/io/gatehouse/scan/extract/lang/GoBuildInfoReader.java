package io.gatehouse.scan.extract.lang;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Finds a Go binary's build information in one pass over its bytes, keeping only a 64 KiB window in memory.
 *
 * <p>Go writes a {@code .go.buildinfo} blob that starts with the magic {@code \xff Go buildinf:}, a pointer size and
 * flags. Since Go 1.18 (flag bit 2) the version and module strings follow inline, each prefixed by its length as a
 * varint. Before, the blob held pointers to string headers elsewhere in the file, which a single pass cannot follow
 * back; but the module text itself is framed by two fixed 16-byte sentinels wherever it lies, so it is caught on the
 * way past, and only the Go version of such old binaries stays unknown.
 */
final class GoBuildInfoReader {
    static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    /** cmd/go's infoStart and infoEnd, which frame the module text. */
    static final byte[] INFO_START = hex("3077af0c9274080241e1c107e6d618e6");

    static final byte[] INFO_END = hex("f932433186182072008242104116d8f2");

    private static final int HEADER = 32;
    private static final int INLINE_FLAG = 0x2;
    /** Version and module strings are a few KiB; bigger ones are not build info. */
    private static final int MAX_STRING = 1 << 20;

    private final InputStream in;
    private final long searchLimit;
    private final byte[] window = new byte[1 << 16];
    private int start;
    private int end;
    private long consumed; // file offset of window[0]
    private boolean eof;
    private String framedModinfo = "";

    private GoBuildInfoReader(InputStream in, long searchLimit) {
        this.in = in;
        this.searchLimit = searchLimit;
    }

    /** The build information, or empty when the first {@code searchLimit} bytes hold none. */
    static Optional<GoBuildInfo> read(InputStream in, long searchLimit) throws IOException {
        return new GoBuildInfoReader(in, searchLimit).read();
    }

    private Optional<GoBuildInfo> read() throws IOException {
        while (fill(INFO_START.length) && consumed + start < searchLimit) {
            int limit = end - INFO_START.length;
            int i = start;
            for (; i <= limit; i++) {
                byte b = window[i];
                if (b == MAGIC[0] && matches(i, MAGIC)) {
                    start = i;
                    return afterMagic();
                }
                if (b == INFO_START[0] && framedModinfo.isEmpty() && matches(i, INFO_START)) {
                    start = i + INFO_START.length;
                    framedModinfo = readFramed();
                    i = start - 1;
                    limit = end - INFO_START.length;
                }
            }
            start = i;
        }
        return Optional.empty();
    }

    private Optional<GoBuildInfo> afterMagic() throws IOException {
        if (!fill(HEADER)) return Optional.empty();
        int flags = window[start + 15] & 0xff;
        start += HEADER;
        if ((flags & INLINE_FLAG) == 0) {
            // old format: the module text was framed and caught before the blob, or it follows it
            if (framedModinfo.isEmpty()) framedModinfo = findFramedAhead();
            return framedModinfo.isEmpty() ? Optional.empty() : Optional.of(GoBuildInfo.parse("", framedModinfo));
        }
        String version = readVarintString();
        String modinfo = readVarintString();
        if (modinfo.length() >= 33 && modinfo.charAt(modinfo.length() - 17) == '\n') {
            modinfo = modinfo.substring(16, modinfo.length() - 16);
        } else {
            modinfo = "";
        }
        return version.isEmpty() && modinfo.isEmpty()
                ? Optional.empty()
                : Optional.of(GoBuildInfo.parse(version, modinfo));
    }

    private String findFramedAhead() throws IOException {
        while (fill(INFO_START.length) && consumed + start < searchLimit) {
            int limit = end - INFO_START.length;
            for (int i = start; i <= limit; i++) {
                if (window[i] == INFO_START[0] && matches(i, INFO_START)) {
                    start = i + INFO_START.length;
                    return readFramed();
                }
            }
            start = limit + 1;
        }
        return "";
    }

    /** The text up to INFO_END, bounded; empty when no end comes in time. */
    private String readFramed() throws IOException {
        var text = new java.io.ByteArrayOutputStream();
        while (fill(INFO_END.length)) {
            int limit = end - INFO_END.length;
            for (int i = start; i <= limit; i++) {
                if (window[i] == INFO_END[0] && matches(i, INFO_END)) {
                    text.write(window, start, i - start);
                    start = i + INFO_END.length;
                    return text.toString(StandardCharsets.UTF_8);
                }
            }
            text.write(window, start, limit + 1 - start);
            start = limit + 1;
            if (text.size() > MAX_STRING) return "";
        }
        return "";
    }

    private String readVarintString() throws IOException {
        long length = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63 || !fill(1)) return "";
            int b = window[start++] & 0xff;
            length |= (long) (b & 0x7f) << shift;
            if (b < 0x80) break;
        }
        if (length > MAX_STRING) return "";
        var bytes = new byte[(int) length];
        int copied = 0;
        while (copied < length) {
            if (!fill(1)) return "";
            int n = Math.min(end - start, (int) length - copied);
            System.arraycopy(window, start, bytes, copied, n);
            start += n;
            copied += n;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private boolean matches(int at, byte[] pattern) {
        return Arrays.equals(window, at, at + pattern.length, pattern, 0, pattern.length);
    }

    /** Makes at least {@code need} unread bytes available in the window, sliding it forward; false at the end. */
    private boolean fill(int need) throws IOException {
        if (end - start >= need) return true;
        if (eof) return false;
        System.arraycopy(window, start, window, 0, end - start);
        consumed += start;
        end -= start;
        start = 0;
        while (end < need) {
            int n = in.read(window, end, window.length - end);
            if (n < 0) {
                eof = true;
                return false;
            }
            end += n;
        }
        return true;
    }

    private static byte[] hex(String hex) {
        var bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        return bytes;
    }
}
