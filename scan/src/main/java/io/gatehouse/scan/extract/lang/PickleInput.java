package io.gatehouse.scan.extract.lang;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a file holding one or more pickles, read through a private buffer (opcodes are mostly single bytes,
 * and a synchronised stream per byte costs more than the walk), with the position for messages and a look at the
 * next byte to tell whether another pickle follows.
 */
final class PickleInput {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int next;
    private int limit;
    private long position;

    PickleInput(InputStream in) {
        this.in = in;
    }

    long position() {
        return position;
    }

    /** The next byte without consuming it, or -1 at the end. */
    int peek() throws IOException {
        return next < limit || refill() ? buffer[next] & 0xff : -1;
    }

    int readByte() throws IOException {
        if (next >= limit && !refill()) throw new EOFException();
        position++;
        return buffer[next++] & 0xff;
    }

    /** A little-endian unsigned integer of {@code bytes} bytes. */
    long readUnsigned(int bytes) throws IOException {
        long value = 0;
        for (int i = 0; i < bytes; i++) value |= (long) readByte() << (8 * i);
        if (value < 0) throw new EOFException(); // an 8-byte length past Long.MAX_VALUE cannot be satisfied
        return value;
    }

    byte[] readBytes(int length) throws IOException {
        byte[] bytes = new byte[length];
        for (int copied = 0; copied < length; ) {
            if (next >= limit && !refill()) throw new EOFException();
            int n = Math.min(limit - next, length - copied);
            System.arraycopy(buffer, next, bytes, copied, n);
            next += n;
            copied += n;
            position += n;
        }
        return bytes;
    }

    void skip(long length) throws IOException {
        long buffered = Math.min(length, limit - next);
        next += (int) buffered;
        position += buffered;
        long rest = length - buffered;
        if (rest > 0) {
            in.skipNBytes(rest); // throws EOFException when the stream ends first
            position += rest;
        }
    }

    /** A newline-terminated line without its newline, or null when it is longer than {@code max} bytes. */
    String readLine(int max) throws IOException {
        var line = new ByteArrayOutputStream();
        while (true) {
            int b = readByte();
            if (b == '\n') return line.toString(StandardCharsets.UTF_8);
            if (line.size() >= max) return null;
            line.write(b);
        }
    }

    private boolean refill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) return false;
        next = 0;
        limit = n;
        return true;
    }
}
