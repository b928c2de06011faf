package io.gatehouse.scan.extract.lang;

import java.util.Map;
import java.util.Set;

/**
 * Globals whose import by a pickle means loading it can run code, touch files or the network. A module maps to the
 * names that are dangerous in it, or to every name ({@link #ANY}); a listed module also covers its submodules
 * ({@code subprocess} covers {@code subprocess._winapi}). Python 2 names ({@code __builtin__}, {@code commands})
 * are listed too, since protocol 0-2 pickles still carry them and the unpickler maps them onto Python 3's.
 */
final class DangerousGlobals {
    private static final Set<String> ANY = Set.of("*");
    private static final Set<String> BUILTINS = Set.of(
            "eval",
            "exec",
            "execfile",
            "compile",
            "__import__",
            "getattr",
            "setattr",
            "delattr",
            "open",
            "input",
            "breakpoint",
            "globals",
            "locals",
            "vars",
            "apply");
    private static final Map<String, Set<String>> RULES = Map.ofEntries(
            Map.entry("os", ANY),
            Map.entry("posix", ANY),
            Map.entry("nt", ANY),
            Map.entry("subprocess", ANY),
            Map.entry("commands", ANY),
            Map.entry("builtins", BUILTINS),
            Map.entry("__builtin__", BUILTINS),
            Map.entry("runpy", ANY),
            Map.entry("pty", ANY),
            Map.entry("shutil", ANY),
            Map.entry("socket", ANY),
            Map.entry("webbrowser", ANY),
            Map.entry("pickle", Set.of("loads", "load", "_loads", "_load", "Unpickler")),
            Map.entry("_pickle", Set.of("loads", "load", "Unpickler")),
            Map.entry("importlib", ANY),
            Map.entry("code", ANY),
            Map.entry("sys", ANY),
            Map.entry("operator", Set.of("attrgetter", "methodcaller")),
            Map.entry("ctypes", ANY),
            Map.entry("asyncio.subprocess", ANY));

    private DangerousGlobals() {}

    static boolean isDangerous(String module, String name) {
        String candidate = module;
        while (true) {
            Set<String> names = RULES.get(candidate);
            if (names != null && (names == ANY || names.contains(name))) return true;
            int dot = candidate.lastIndexOf('.');
            if (dot < 0) return false;
            candidate = candidate.substring(0, dot);
        }
    }
}
