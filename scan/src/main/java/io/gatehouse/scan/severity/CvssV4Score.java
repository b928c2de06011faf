package io.gatehouse.scan.severity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CVSS v4.0 score of a vector, as FIRST's reference calculator computes it: the vector's macrovector
 * (equivalence classes EQ1..EQ6) looks up a score in FIRST's table, which is then lowered by the vector's severity
 * distance from the highest-severity vectors of its macrovector, in proportion to the score gap to the next lower
 * macrovectors. No Java library on Maven Central computes v4.0 (cvss-calculator stops at v3.1), hence this class.
 * Threat and environmental metrics are honoured when present (E, CR/IR/AR, M*), as in the reference.
 */
public final class CvssV4Score {
    private static final String PREFIX = "CVSS:4.0/";

    /** Allowed values per metric; the first eleven are mandatory. */
    private static final Map<String, List<String>> METRICS = new LinkedHashMap<>();

    static {
        METRICS.put("AV", List.of("N", "A", "L", "P"));
        METRICS.put("AC", List.of("L", "H"));
        METRICS.put("AT", List.of("N", "P"));
        METRICS.put("PR", List.of("N", "L", "H"));
        METRICS.put("UI", List.of("N", "P", "A"));
        METRICS.put("VC", List.of("H", "L", "N"));
        METRICS.put("VI", List.of("H", "L", "N"));
        METRICS.put("VA", List.of("H", "L", "N"));
        METRICS.put("SC", List.of("H", "L", "N"));
        METRICS.put("SI", List.of("H", "L", "N"));
        METRICS.put("SA", List.of("H", "L", "N"));
        METRICS.put("E", List.of("X", "A", "P", "U"));
        for (String m : List.of("CR", "IR", "AR")) METRICS.put(m, List.of("X", "H", "M", "L"));
        METRICS.put("MAV", List.of("X", "N", "A", "L", "P"));
        METRICS.put("MAC", List.of("X", "L", "H"));
        METRICS.put("MAT", List.of("X", "N", "P"));
        METRICS.put("MPR", List.of("X", "N", "L", "H"));
        METRICS.put("MUI", List.of("X", "N", "P", "A"));
        for (String m : List.of("MVC", "MVI", "MVA", "MSC")) METRICS.put(m, List.of("X", "H", "L", "N"));
        for (String m : List.of("MSI", "MSA")) METRICS.put(m, List.of("X", "S", "H", "L", "N"));
        METRICS.put("S", List.of("X", "N", "P"));
        METRICS.put("AU", List.of("X", "N", "Y"));
        METRICS.put("R", List.of("X", "A", "U", "I"));
        METRICS.put("V", List.of("X", "D", "C"));
        METRICS.put("RE", List.of("X", "L", "M", "H"));
        METRICS.put("U", List.of("X", "Clear", "Green", "Amber", "Red"));
    }

    private static final List<String> MANDATORY =
            List.of("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA");

    /** Severity order (most severe first) of the metrics that severity distances are measured on. */
    private static final Map<String, List<String>> LEVELS = Map.ofEntries(
            Map.entry("AV", List.of("N", "A", "L", "P")),
            Map.entry("PR", List.of("N", "L", "H")),
            Map.entry("UI", List.of("N", "P", "A")),
            Map.entry("AC", List.of("L", "H")),
            Map.entry("AT", List.of("N", "P")),
            Map.entry("VC", List.of("H", "L", "N")),
            Map.entry("VI", List.of("H", "L", "N")),
            Map.entry("VA", List.of("H", "L", "N")),
            Map.entry("SC", List.of("H", "L", "N")),
            Map.entry("SI", List.of("S", "H", "L", "N")),
            Map.entry("SA", List.of("S", "H", "L", "N")),
            Map.entry("CR", List.of("H", "M", "L")),
            Map.entry("IR", List.of("H", "M", "L")),
            Map.entry("AR", List.of("H", "M", "L")));

    /** FIRST's highest-severity vectors per equivalence class level (spec tables 24-30). */
    private static final List<List<String>> EQ1_MAX = List.of(
            List.of("AV:N/PR:N/UI:N"),
            List.of("AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"),
            List.of("AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"));

    private static final List<List<String>> EQ2_MAX = List.of(List.of("AC:L/AT:N"), List.of("AC:H/AT:N", "AC:L/AT:P"));
    private static final Map<String, List<String>> EQ3_EQ6_MAX = Map.of(
            "00", List.of("VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"),
            "01", List.of("VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"),
            "10", List.of("VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"),
            "11",
                    List.of(
                            "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H",
                            "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M",
                            "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
                            "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H",
                            "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"),
            "21", List.of("VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"));
    private static final List<List<String>> EQ4_MAX =
            List.of(List.of("SC:H/SI:S/SA:S"), List.of("SC:H/SI:H/SA:H"), List.of("SC:L/SI:L/SA:L"));

    /** Depth (number of severity steps) of each level, FIRST's maxSeverity table in steps of one. */
    private static final int[] EQ1_DEPTH = {1, 4, 5};

    private static final int[] EQ2_DEPTH = {1, 2};
    private static final Map<String, Integer> EQ3_EQ6_DEPTH = Map.of("00", 7, "01", 6, "10", 8, "11", 8, "21", 10);
    private static final int[] EQ4_DEPTH = {6, 5, 4};

    /** FIRST's macrovector score table (cvss_lookup.js): "EQ1..EQ6:score". */
    private static final Map<String, Double> MACROVECTORS = new HashMap<>();

    static {
        String table = "000000:10 000001:9.9 000010:9.8 000011:9.5 000020:9.5 000021:9.2 000100:10 000101:9.6 "
                + "000110:9.3 000111:8.7 000120:9.1 000121:8.1 000200:9.3 000201:9 000210:8.9 000211:8 "
                + "000220:8.1 000221:6.8 001000:9.8 001001:9.5 001010:9.5 001011:9.2 001020:9 001021:8.4 "
                + "001100:9.3 001101:9.2 001110:8.9 001111:8.1 001120:8.1 001121:6.5 001200:8.8 001201:8 "
                + "001210:7.8 001211:7 001220:6.9 001221:4.8 002001:9.2 002011:8.2 002021:7.2 002101:7.9 "
                + "002111:6.9 002121:5 002201:6.9 002211:5.5 002221:2.7 010000:9.9 010001:9.7 010010:9.5 "
                + "010011:9.2 010020:9.2 010021:8.5 010100:9.5 010101:9.1 010110:9 010111:8.3 010120:8.4 "
                + "010121:7.1 010200:9.2 010201:8.1 010210:8.2 010211:7.1 010220:7.2 010221:5.3 "
                + "011000:9.5 011001:9.3 011010:9.2 011011:8.5 011020:8.5 011021:7.3 011100:9.2 "
                + "011101:8.2 011110:8 011111:7.2 011120:7 011121:5.9 011200:8.4 011201:7 011210:7.1 "
                + "011211:5.2 011220:5 011221:3 012001:8.6 012011:7.5 012021:5.2 012101:7.1 012111:5.2 "
                + "012121:2.9 012201:6.3 012211:2.9 012221:1.7 100000:9.8 100001:9.5 100010:9.4 "
                + "100011:8.7 100020:9.1 100021:8.1 100100:9.4 100101:8.9 100110:8.6 100111:7.4 "
                + "100120:7.7 100121:6.4 100200:8.7 100201:7.5 100210:7.4 100211:6.3 100220:6.3 "
                + "100221:4.9 101000:9.4 101001:8.9 101010:8.8 101011:7.7 101020:7.6 101021:6.7 "
                + "101100:8.6 101101:7.6 101110:7.4 101111:5.8 101120:5.9 101121:5 101200:7.2 101201:5.7 "
                + "101210:5.7 101211:5.2 101220:5.2 101221:2.5 102001:8.3 102011:7 102021:5.4 102101:6.5 "
                + "102111:5.8 102121:2.6 102201:5.3 102211:2.1 102221:1.3 110000:9.5 110001:9 110010:8.8 "
                + "110011:7.6 110020:7.6 110021:7 110100:9 110101:7.7 110110:7.5 110111:6.2 110120:6.1 "
                + "110121:5.3 110200:7.7 110201:6.6 110210:6.8 110211:5.9 110220:5.2 110221:3 111000:8.9 "
                + "111001:7.8 111010:7.6 111011:6.7 111020:6.2 111021:5.8 111100:7.4 111101:5.9 "
                + "111110:5.7 111111:5.7 111120:4.7 111121:2.3 111200:6.1 111201:5.2 111210:5.7 "
                + "111211:2.9 111220:2.4 111221:1.6 112001:7.1 112011:5.9 112021:3 112101:5.8 112111:2.6 "
                + "112121:1.5 112201:2.3 112211:1.3 112221:0.6 200000:9.3 200001:8.7 200010:8.6 "
                + "200011:7.2 200020:7.5 200021:5.8 200100:8.6 200101:7.4 200110:7.4 200111:6.1 "
                + "200120:5.6 200121:3.4 200200:7 200201:5.4 200210:5.2 200211:4 200220:4 200221:2.2 "
                + "201000:8.5 201001:7.5 201010:7.4 201011:5.5 201020:6.2 201021:5.1 201100:7.2 "
                + "201101:5.7 201110:5.5 201111:4.1 201120:4.6 201121:1.9 201200:5.3 201201:3.6 "
                + "201210:3.4 201211:1.9 201220:1.9 201221:0.8 202001:6.4 202011:5.1 202021:2 202101:4.7 "
                + "202111:2.1 202121:1.1 202201:2.4 202211:0.9 202221:0.4 210000:8.8 210001:7.5 "
                + "210010:7.3 210011:5.3 210020:6 210021:5 210100:7.3 210101:5.5 210110:5.9 210111:4 "
                + "210120:4.1 210121:2 210200:5.4 210201:4.3 210210:4.5 210211:2.2 210220:2 210221:1.1 "
                + "211000:7.5 211001:5.5 211010:5.8 211011:4.5 211020:4 211021:2.1 211100:6.1 211101:5.1 "
                + "211110:4.8 211111:1.8 211120:2 211121:0.9 211200:4.6 211201:1.8 211210:1.7 211211:0.7 "
                + "211220:0.8 211221:0.2 212001:5.3 212011:2.4 212021:1.4 212101:2.4 212111:1.2 "
                + "212121:0.5 212201:1 212211:0.3 212221:0.1";
        for (String entry : table.trim().split("\\s+")) {
            int colon = entry.indexOf(':');
            MACROVECTORS.put(entry.substring(0, colon), Double.parseDouble(entry.substring(colon + 1)));
        }
    }

    private final Map<String, String> metrics;

    private CvssV4Score(Map<String, String> metrics) {
        this.metrics = metrics;
    }

    /** The score of a {@code CVSS:4.0/...} vector, 0.0 to 10.0 with one decimal. */
    public static double of(String vector) {
        return parse(vector).score();
    }

    static CvssV4Score parse(String vector) {
        if (vector == null || !vector.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a CVSS v4.0 vector (must start with " + PREFIX + ")");
        }
        Map<String, String> metrics = new HashMap<>();
        for (String part : vector.substring(PREFIX.length()).split("/", -1)) {
            int colon = part.indexOf(':');
            String key = colon < 0 ? part : part.substring(0, colon);
            String value = colon < 0 ? "" : part.substring(colon + 1);
            List<String> allowed = METRICS.get(key);
            if (allowed == null || !allowed.contains(value)) {
                throw new IllegalArgumentException("invalid CVSS v4.0 metric '" + part + "'");
            }
            if (metrics.put(key, value) != null) {
                throw new IllegalArgumentException("CVSS v4.0 metric " + key + " given twice");
            }
        }
        for (String m : MANDATORY) {
            if (!metrics.containsKey(m)) {
                throw new IllegalArgumentException("CVSS v4.0 vector lacks the mandatory metric " + m);
            }
        }
        return new CvssV4Score(metrics);
    }

    /** The value in effect: the modified (M*) metric when set, else the base one; X threat/requirements default. */
    private String real(String metric) {
        String modified = metrics.get("M" + metric);
        if (modified != null && !modified.equals("X")) {
            return modified;
        }
        String value = metrics.getOrDefault(metric, "X");
        if (value.equals("X")) {
            return switch (metric) {
                case "CR", "IR", "AR" -> "H";
                case "E" -> "A";
                default -> value;
            };
        }
        return value;
    }

    double score() {
        if (List.of("VC", "VI", "VA", "SC", "SI", "SA").stream().allMatch(m -> real(m).equals("N"))) {
            return 0.0;
        }
        int[] eq = macrovector();
        double value = MACROVECTORS.get(key(eq));

        // Scores of the next lower macrovector in each dimension (NaN where there is none).
        double eq1Next = eq[0] < 2 ? lookup(eq, 0, 1) : Double.NaN;
        double eq2Next = eq[1] < 1 ? lookup(eq, 1, 1) : Double.NaN;
        double eq4Next = eq[3] < 2 ? lookup(eq, 3, 1) : Double.NaN;
        double eq5Next = eq[4] < 2 ? lookup(eq, 4, 1) : Double.NaN;
        double eq3Eq6Next;
        if (eq[2] == 0 && eq[5] == 0) {
            eq3Eq6Next = Math.max(lookup(eq, 2, 1), lookup(eq, 5, 1));
        } else if (eq[2] == 1 && eq[5] == 1) {
            eq3Eq6Next = lookup(eq, 2, 1);
        } else if (eq[2] == 0 && eq[5] == 1) {
            eq3Eq6Next = lookup(eq, 2, 1);
        } else if (eq[2] == 1 && eq[5] == 0) {
            eq3Eq6Next = lookup(eq, 5, 1);
        } else {
            eq3Eq6Next = Double.NaN;
        }

        // The first highest-severity vector of the macrovector that this vector does not exceed anywhere.
        String eq3Eq6 = "" + eq[2] + eq[5];
        double[] distances = null;
        search:
        for (String a : EQ1_MAX.get(eq[0])) {
            for (String b : EQ2_MAX.get(eq[1])) {
                for (String c : EQ3_EQ6_MAX.get(eq3Eq6)) {
                    for (String d : EQ4_MAX.get(eq[3])) {
                        distances = distances(a + "/" + b + "/" + c + "/" + d);
                        if (distances != null) {
                            break search;
                        }
                    }
                }
            }
        }
        if (distances == null) {
            throw new IllegalStateException("no highest-severity vector found for macrovector " + key(eq));
        }

        int lower = 0;
        double sum = 0;
        double[] next = {eq1Next, eq2Next, eq3Eq6Next, eq4Next, eq5Next};
        double[] depth = {
            EQ1_DEPTH[eq[0]], EQ2_DEPTH[eq[1]], EQ3_EQ6_DEPTH.get(eq3Eq6), EQ4_DEPTH[eq[3]], 1 // EQ5: one step
        };
        for (int i = 0; i < next.length; i++) {
            if (!Double.isNaN(next[i])) {
                lower++;
                double available = value - next[i];
                // distances are in steps of 0.1 in FIRST's calculator; depth likewise
                sum += available * (distances[i] / depth[i]);
            }
        }
        double mean = lower == 0 ? 0 : sum / lower;
        double result = Math.max(0.0, Math.min(10.0, value - mean));
        return BigDecimal.valueOf(result)
                .setScale(6, RoundingMode.HALF_UP)
                .setScale(1, RoundingMode.HALF_UP)
                .doubleValue();
    }

    /** Severity distances per dimension (EQ1, EQ2, EQ3+EQ6, EQ4, EQ5) from {@code max}; null if any is negative. */
    private double[] distances(String max) {
        Map<String, String> maxValues = new HashMap<>();
        for (String part : max.split("/")) {
            maxValues.put(part.substring(0, part.indexOf(':')), part.substring(part.indexOf(':') + 1));
        }
        Map<String, Integer> d = new HashMap<>();
        for (var entry : maxValues.entrySet()) {
            List<String> levels = LEVELS.get(entry.getKey());
            int distance = levels.indexOf(real(entry.getKey())) - levels.indexOf(entry.getValue());
            if (distance < 0) {
                return null;
            }
            d.put(entry.getKey(), distance);
        }
        return new double[] {
            d.get("AV") + d.get("PR") + d.get("UI"),
            d.get("AC") + d.get("AT"),
            d.get("VC") + d.get("VI") + d.get("VA") + d.get("CR") + d.get("IR") + d.get("AR"),
            d.get("SC") + d.get("SI") + d.get("SA"),
            0
        };
    }

    private int[] macrovector() {
        String av = real("AV"), ac = real("AC"), at = real("AT"), pr = real("PR"), ui = real("UI");
        String vc = real("VC"), vi = real("VI"), va = real("VA"), sc = real("SC"), si = real("SI"), sa = real("SA");
        String e = real("E"), cr = real("CR"), ir = real("IR"), ar = real("AR");
        int eq1;
        if (av.equals("N") && pr.equals("N") && ui.equals("N")) {
            eq1 = 0;
        } else if ((av.equals("N") || pr.equals("N") || ui.equals("N")) && !av.equals("P")) {
            eq1 = 1;
        } else {
            eq1 = 2;
        }
        int eq2 = ac.equals("L") && at.equals("N") ? 0 : 1;
        int eq3;
        if (vc.equals("H") && vi.equals("H")) {
            eq3 = 0;
        } else if (vc.equals("H") || vi.equals("H") || va.equals("H")) {
            eq3 = 1;
        } else {
            eq3 = 2;
        }
        int eq4;
        if (si.equals("S") || sa.equals("S")) {
            eq4 = 0;
        } else if (sc.equals("H") || si.equals("H") || sa.equals("H")) {
            eq4 = 1;
        } else {
            eq4 = 2;
        }
        int eq5 = switch (e) {
            case "P" -> 1;
            case "U" -> 2;
            default -> 0;
        };
        boolean high = (cr.equals("H") && vc.equals("H"))
                || (ir.equals("H") && vi.equals("H"))
                || (ar.equals("H") && va.equals("H"));
        int eq6 = high ? 0 : 1;
        return new int[] {eq1, eq2, eq3, eq4, eq5, eq6};
    }

    private static double lookup(int[] eq, int index, int step) {
        int[] other = eq.clone();
        other[index] += step;
        Double score = MACROVECTORS.get(key(other));
        return score == null ? Double.NaN : score;
    }

    private static String key(int[] eq) {
        var sb = new StringBuilder(6);
        for (int level : eq) sb.append(level);
        return sb.toString();
    }
}
