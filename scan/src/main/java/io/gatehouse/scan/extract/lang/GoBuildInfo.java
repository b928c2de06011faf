package io.gatehouse.scan.extract.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Go binary's build information, as {@code go version -m} shows it: the toolchain version, the main module and
 * the dependencies, each dependency already replaced by its {@code =>} replacement where it has one.
 *
 * @param goVersion e.g. {@code go1.19.8}; empty when the binary did not say (pre-1.18 binaries read here)
 */
record GoBuildInfo(String goVersion, Optional<Module> main, List<Module> deps) {
    GoBuildInfo {
        deps = List.copyOf(deps);
    }

    /** @param version e.g. {@code v1.2.3}; {@code (devel)} for a main module built from a checkout; empty for a
     *     dependency replaced by a local directory */
    record Module(String path, String version) {}

    /** Parses the module information text: tab-separated {@code path}, {@code mod}, {@code dep}, {@code =>} lines. */
    static GoBuildInfo parse(String goVersion, String modinfo) {
        Module main = null;
        List<Module> deps = new ArrayList<>();
        String previous = "";
        for (String line : modinfo.split("\n")) {
            String[] fields = line.split("\t", -1);
            if (fields.length < 2) continue;
            var module = new Module(fields[1], fields.length > 2 ? fields[2] : "");
            switch (fields[0]) {
                case "mod" -> main = module;
                case "dep" -> deps.add(module);
                case "=>" -> {
                    // a local directory stands in for the module it replaces: keep naming that one
                    if (isLocalPath(module.path())) break;
                    if (previous.equals("dep") && !deps.isEmpty()) deps.set(deps.size() - 1, module);
                    else if (previous.equals("mod")) main = module;
                }
                default -> {}
            }
            if (!fields[0].equals("=>")) previous = fields[0];
        }
        return new GoBuildInfo(goVersion, Optional.ofNullable(main), deps);
    }

    private static boolean isLocalPath(String path) {
        return path.startsWith("./") || path.startsWith("../") || path.startsWith("/") || path.equals(".");
    }
}
