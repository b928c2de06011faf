package io.gatehouse.scan.os;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * The fields of one rpm header blob, as rpm stores it in {@code rpmdb.sqlite}'s {@code Packages} table: a count
 * of index entries, the size of the data store, the entries (tag, type, offset, count; big-endian int32 each),
 * then the data. Every offset is checked against the data store: the blob comes from the image, not from rpm.
 */
record RpmHeader(String name, String version, String release, OptionalInt epoch, String arch, String sourceRpm) {
    static final int NAME = 1000;
    static final int VERSION = 1001;
    static final int RELEASE = 1002;
    static final int EPOCH = 1003;
    static final int ARCH = 1022;
    static final int SOURCERPM = 1044;
    private static final int TYPE_INT32 = 4;
    private static final int TYPE_STRING = 6;
    private static final int TYPE_STRING_ARRAY = 8;
    private static final int TYPE_I18NSTRING = 9;
    /** rpm's own bounds (HEADER_TAGS_MAX, HEADER_DATA_MAX). */
    private static final int MAX_ENTRIES = 0xffff;

    private static final int MAX_DATA = 0x0fffffff;

    static RpmHeader parse(byte[] blob) throws RpmHeaderException {
        if (blob.length < 8) throw new RpmHeaderException("header blob of " + blob.length + " bytes is too short");
        var buffer = ByteBuffer.wrap(blob);
        int entries = buffer.getInt(0);
        int dataLength = buffer.getInt(4);
        if (entries < 1 || entries > MAX_ENTRIES || dataLength < 0 || dataLength > MAX_DATA) {
            throw new RpmHeaderException("header claims " + entries + " entries and " + dataLength + " data bytes");
        }
        long dataStart = 8L + 16L * entries;
        if (dataStart + dataLength > blob.length) {
            throw new RpmHeaderException("header of " + blob.length + " bytes is shorter than its index says");
        }
        var fields = new Fields(blob, (int) dataStart, dataLength);
        String name = null, version = null, release = null, arch = "", sourceRpm = "";
        OptionalInt epoch = OptionalInt.empty();
        for (int i = 0; i < entries; i++) {
            int at = 8 + 16 * i;
            int tag = buffer.getInt(at);
            int type = buffer.getInt(at + 4);
            int offset = buffer.getInt(at + 8);
            int count = buffer.getInt(at + 12);
            switch (tag) {
                case NAME -> name = fields.string(tag, type, offset);
                case VERSION -> version = fields.string(tag, type, offset);
                case RELEASE -> release = fields.string(tag, type, offset);
                case ARCH -> arch = fields.string(tag, type, offset);
                case SOURCERPM -> sourceRpm = fields.string(tag, type, offset);
                case EPOCH -> epoch = OptionalInt.of(fields.int32(tag, type, offset, count));
                default -> {}
            }
        }
        if (name == null || version == null || release == null) {
            throw new RpmHeaderException("header has no name, version or release");
        }
        return new RpmHeader(name, version, release, epoch, arch, sourceRpm);
    }

    /** {@code epoch:version-release}, the epoch only when the package has one (as {@code rpm -q} prints it). */
    String evr() {
        return (epoch.isPresent() ? epoch.getAsInt() + ":" : "") + version + "-" + release;
    }

    private record Fields(byte[] blob, int start, int length) {
        String string(int tag, int type, int offset) throws RpmHeaderException {
            if (type != TYPE_STRING && type != TYPE_STRING_ARRAY && type != TYPE_I18NSTRING) {
                throw new RpmHeaderException("tag " + tag + " has type " + type + ", not a string");
            }
            check(tag, offset, 1);
            int from = start + offset;
            int end = from;
            int limit = start + length;
            while (end < limit && blob[end] != 0) end++;
            if (end == limit) throw new RpmHeaderException("tag " + tag + " is not NUL-terminated");
            return new String(blob, from, end - from, StandardCharsets.UTF_8);
        }

        int int32(int tag, int type, int offset, int count) throws RpmHeaderException {
            if (type != TYPE_INT32 || count < 1) throw new RpmHeaderException("tag " + tag + " is not an int32");
            check(tag, offset, 4);
            return ByteBuffer.wrap(blob, start + offset, 4).getInt();
        }

        private void check(int tag, int offset, int size) throws RpmHeaderException {
            if (offset < 0 || (long) offset + size > length) {
                throw new RpmHeaderException("tag " + tag + " points outside the header data (" + offset + ")");
            }
        }
    }

    static final class RpmHeaderException extends Exception {
        RpmHeaderException(String message) {
            super(message);
        }
    }
}
