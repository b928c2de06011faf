package io.gatehouse.scan.extract.lang;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks the opcodes of one pickle (protocols 0 to 5) without unpickling it, simulating just enough of the
 * unpickler's stack and memo to know which globals it imports: GLOBAL and INST name them inline, STACK_GLOBAL takes
 * them from the two values on top of the stack, which may have come through the memo (PUT, GET, MEMOIZE).
 *
 * <p>Only string constants are tracked; every other value is opaque. Strings, the stack and the memo are bounded,
 * and large byte arguments (tensor data pickled in-band) are skipped, not buffered.
 */
final class PickleOpcodeReader {
    /** Longest protocol-0 line argument. */
    static final int MAX_STRING = 64 * 1024;
    /** Longest string kept: module and attribute names are short; longer strings are opaque. */
    static final int MAX_NAME = 256;

    static final int MAX_STACK = 1_000_000;
    /** Bytes of strings kept on the stack and in the memo; past them strings are untracked, not kept. */
    static final long STACK_STRING_BUDGET = 4L << 20;

    static final long MEMO_STRING_BUDGET = 12L << 20;
    /** Memo keys below this are remembered in a bit set; picklers number them from 0. */
    private static final int DENSE_KEYS = 1 << 26;

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };
    private static final Object OPAQUE = new Object() {
        @Override
        public String toString() {
            return "value";
        }
    };
    /** A string that was not kept because the budget for strings was spent: it might have named anything. */
    private static final Object UNTRACKED = new Object() {
        @Override
        public String toString() {
            return "untracked";
        }
    };

    private final PickleInput in;
    private final List<Object> stack = new ArrayList<>();
    /** Which memo keys hold a value; only string values are kept, in {@link #memoStrings}. */
    private final BitSet memoKeys = new BitSet();

    private final Map<Long, String> memoStrings = new HashMap<>();
    private long memoSize;
    private long stackStringBytes;
    private long memoStringBytes;
    /** Set once the memo lost a string or a key: a GET of a value not kept may then have been a name. */
    private boolean memoOverflow;

    private final List<PickleImport> imports = new ArrayList<>();
    private long opcodeAt;

    private PickleOpcodeReader(PickleInput in) {
        this.in = in;
    }

    /** Reads one pickle from {@code in}, up to and including its STOP opcode; the rest of the stream is left. */
    static PickleWalk walk(PickleInput in) throws IOException {
        var reader = new PickleOpcodeReader(in);
        Optional<String> failure;
        try {
            reader.run();
            failure = Optional.empty();
        } catch (EOFException e) {
            failure = Optional.of("it ends inside the opcode at byte " + reader.opcodeAt);
        } catch (Malformed e) {
            failure = Optional.of(e.getMessage());
        }
        return new PickleWalk(reader.imports, failure, reader.in.position());
    }

    private void run() throws IOException, Malformed {
        while (true) {
            long at = in.position();
            opcodeAt = at;
            int op = in.readByte();
            switch (op) {
                case '.' -> { // STOP
                    return;
                }
                case '(' -> push(MARK);
                case '0' -> pop(at); // POP
                case '1' -> popToMark(at); // POP_MARK
                case '2' -> push(peek(at)); // DUP
                case 'F', 'I', 'L' -> { // FLOAT, INT, LONG
                    readLine();
                    push(OPAQUE);
                }
                case 'J' -> skipThenPush(4); // BININT
                case 'K' -> skipThenPush(1); // BININT1
                case 'M' -> skipThenPush(2); // BININT2
                case 'G' -> skipThenPush(8); // BINFLOAT
                case 'N', 0x88, 0x89, ')', ']', '}', 0x8f -> push(OPAQUE); // NONE, NEWTRUE/FALSE, empty containers
                case 'P' -> { // PERSID
                    readLine();
                    push(OPAQUE);
                }
                case 'Q' -> replaceTop(at, 1); // BINPERSID
                case 'R' -> replaceTop(at, 2); // REDUCE
                case 'S' -> push(quotedString(readLine(), at)); // STRING
                case 'V' -> push(rawUnicodeEscape(readLine())); // UNICODE
                case 'T', 'X' -> push(string(in.readUnsigned(4))); // BINSTRING, BINUNICODE
                case 'U', 0x8c -> push(string(in.readUnsigned(1))); // SHORT_BINSTRING, SHORT_BINUNICODE
                case 0x8d -> push(string(in.readUnsigned(8))); // BINUNICODE8
                case 'B' -> skipThenPush(in.readUnsigned(4)); // BINBYTES
                case 'C' -> skipThenPush(in.readUnsigned(1)); // SHORT_BINBYTES
                case 0x8e, 0x96 -> skipThenPush(in.readUnsigned(8)); // BINBYTES8, BYTEARRAY8
                case 0x8a -> skipThenPush(in.readUnsigned(1)); // LONG1
                case 0x8b -> skipThenPush(in.readUnsigned(4)); // LONG4
                case 'a', 'b' -> pop(at); // APPEND, BUILD
                case 's' -> { // SETITEM
                    pop(at);
                    pop(at);
                }
                case 'e', 'u', 0x90 -> popToMark(at); // APPENDS, SETITEMS, ADDITEMS
                case 'd', 'l', 't', 0x91 -> { // DICT, LIST, TUPLE, FROZENSET
                    popToMark(at);
                    push(OPAQUE);
                }
                case 'o' -> { // OBJ: the class is the first value after the mark
                    popToMark(at);
                    push(OPAQUE);
                }
                case 'c' -> global("GLOBAL", at); // GLOBAL
                case 'i' -> { // INST: the class named inline, its arguments from the mark
                    global("INST", at);
                    popToMark(at);
                    push(OPAQUE);
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(at);
                    Object module = pop(at);
                    if (module instanceof String m && name instanceof String n) {
                        imports.add(new PickleImport(m, n, "STACK_GLOBAL", at, PickleImport.Origin.CONSTANT));
                    } else {
                        var origin = module == UNTRACKED || name == UNTRACKED
                                ? PickleImport.Origin.UNTRACKED
                                : PickleImport.Origin.COMPUTED;
                        imports.add(new PickleImport("?", "?", "STACK_GLOBAL", at, origin));
                    }
                    push(OPAQUE);
                }
                case 'g' -> push(memoGet(parseIndex(readLine(), at), at)); // GET
                case 'h' -> push(memoGet(in.readUnsigned(1), at)); // BINGET
                case 'j' -> push(memoGet(in.readUnsigned(4), at)); // LONG_BINGET
                case 'p' -> memoPut(parseIndex(readLine(), at), at); // PUT
                case 'q' -> memoPut(in.readUnsigned(1), at); // BINPUT
                case 'r' -> memoPut(in.readUnsigned(4), at); // LONG_BINPUT
                case 0x94 -> memoPut(memoSize, at); // MEMOIZE
                case 0x80 -> { // PROTO
                    int protocol = in.readByte();
                    if (protocol > 5) throw new Malformed("unsupported pickle protocol " + protocol + " at byte " + at);
                }
                case 0x95 -> in.skip(8); // FRAME: only a hint for buffering
                case 0x81 -> replaceTop(at, 2); // NEWOBJ
                case 0x92 -> replaceTop(at, 3); // NEWOBJ_EX
                case 0x82 -> skipThenPush(1); // EXT1..4: the copyreg extension registry, empty by default
                case 0x83 -> skipThenPush(2);
                case 0x84 -> skipThenPush(4);
                case 0x85 -> replaceTop(at, 1); // TUPLE1
                case 0x86 -> replaceTop(at, 2); // TUPLE2
                case 0x87 -> replaceTop(at, 3); // TUPLE3
                case 0x97 -> push(OPAQUE); // NEXT_BUFFER
                case 0x98 -> replaceTop(at, 1); // READONLY_BUFFER
                default -> throw new Malformed(String.format("unknown opcode 0x%02x at byte %d", op, at));
            }
        }
    }

    private String readLine() throws IOException, Malformed {
        String line = in.readLine(MAX_STRING);
        if (line == null) throw new Malformed("line longer than " + MAX_STRING + " bytes at byte " + opcodeAt);
        return line;
    }

    private void global(String opcode, long at) throws IOException, Malformed {
        String module = readLine();
        String name = readLine();
        imports.add(new PickleImport(module, name, opcode, at, PickleImport.Origin.CONSTANT));
        if (!opcode.equals("INST")) push(OPAQUE);
    }

    private void push(Object value) throws Malformed {
        if (stack.size() >= MAX_STACK) throw new Malformed("stack deeper than " + MAX_STACK + " values");
        if (value instanceof String s) {
            if (s.length() > MAX_NAME) {
                value = OPAQUE;
            } else if (stackStringBytes + cost(s) > STACK_STRING_BUDGET) {
                value = UNTRACKED;
            } else {
                stackStringBytes += cost(s);
            }
        }
        stack.add(value);
    }

    private Object removeTop() {
        Object top = stack.removeLast();
        if (top instanceof String s) stackStringBytes -= cost(s);
        return top;
    }

    /** Roughly what a kept string costs in heap. */
    private static long cost(String s) {
        return 48L + 2L * s.length();
    }

    private Object peek(long at) throws Malformed {
        if (stack.isEmpty() || stack.getLast() == MARK) throw new Malformed("stack underflow at byte " + at);
        return stack.getLast();
    }

    private Object pop(long at) throws Malformed {
        peek(at);
        return removeTop();
    }

    private void popToMark(long at) throws Malformed {
        while (true) {
            if (stack.isEmpty()) throw new Malformed("no MARK on the stack at byte " + at);
            if (removeTop() == MARK) return;
        }
    }

    private void replaceTop(long at, int popped) throws Malformed {
        for (int i = 0; i < popped; i++) pop(at);
        push(OPAQUE);
    }

    private void skipThenPush(long bytes) throws IOException, Malformed {
        in.skip(bytes);
        push(OPAQUE);
    }

    private Object string(long length) throws IOException {
        if (length > MAX_NAME) {
            in.skip(length);
            return OPAQUE;
        }
        return new String(in.readBytes((int) length), StandardCharsets.UTF_8);
    }

    private Object memoGet(long index, long at) throws Malformed {
        String kept = memoStrings.get(index);
        if (kept != null) return kept;
        boolean known = index >= 0 && index < DENSE_KEYS && memoKeys.get((int) index);
        if (memoOverflow) return UNTRACKED;
        if (known) return OPAQUE;
        throw new Malformed("memo key " + index + " not found at byte " + at);
    }

    private void memoPut(long index, long at) throws Malformed {
        Object value = peek(at);
        if (index >= 0 && index < DENSE_KEYS) {
            if (!memoKeys.get((int) index)) memoSize++;
            memoKeys.set((int) index);
        } else {
            memoSize++;
            memoOverflow = true; // a key no pickler writes: remember that values are being lost
        }
        String replaced = memoStrings.remove(index);
        if (replaced != null) memoStringBytes -= cost(replaced);
        if (value instanceof String s && memoStringBytes + cost(s) <= MEMO_STRING_BUDGET) {
            memoStrings.put(index, s);
            memoStringBytes += cost(s);
        } else if (value instanceof String || value == UNTRACKED) {
            memoOverflow = true;
        }
    }

    private static long parseIndex(String line, long at) throws Malformed {
        try {
            return Long.parseLong(line.trim());
        } catch (NumberFormatException e) {
            throw new Malformed("bad memo index at byte " + at);
        }
    }

    /** Protocol 0 STRING: a Python repr, quoted with ' or "; escapes matter little for module names. */
    private static Object quotedString(String line, long at) throws Malformed {
        if (line.length() < 2
                || line.charAt(0) != line.charAt(line.length() - 1)
                || (line.charAt(0) != '\'' && line.charAt(0) != '"')) {
            throw new Malformed("STRING opcode argument is not quoted at byte " + at);
        }
        return line.substring(1, line.length() - 1);
    }

    /** Protocol 0 UNICODE: raw-unicode-escape, where only backslash-u and backslash-U are escapes. */
    private static Object rawUnicodeEscape(String line) {
        if (line.indexOf('\\') < 0) return line;
        var out = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            int digits = c != '\\' || i + 1 >= line.length()
                    ? 0
                    : line.charAt(i + 1) == 'u' ? 4 : line.charAt(i + 1) == 'U' ? 8 : 0;
            if (digits > 0 && i + 2 + digits <= line.length()) {
                try {
                    out.appendCodePoint(Integer.parseInt(line, i + 2, i + 2 + digits, 16));
                    i += 1 + digits;
                    continue;
                } catch (IllegalArgumentException e) {
                    // not an escape after all: keep the characters
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
