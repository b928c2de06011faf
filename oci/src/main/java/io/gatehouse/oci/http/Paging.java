package io.gatehouse.oci.http;

import io.gatehouse.http.Exchange;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The {@code n}/{@code last} pagination of tag and catalog listings, with a {@code Link: <…>; rel="next"}
 * header when more entries follow.
 */
final class Paging {
    /** Without {@code n} a listing returns everything, up to this many entries per page. */
    static final int MAX_PAGE = 10_000;

    private Paging() {}

    static <T> List<T> page(
            Exchange ex, Function<String, T> parse, BiFunction<Optional<T>, Integer, List<T>> fetch, String path) {
        int n = ex.queryInt("n").map(v -> Math.min(v, MAX_PAGE)).orElse(MAX_PAGE);
        Optional<T> last = ex.query("last").filter(s -> !s.isEmpty()).map(parse);
        if (n == 0) {
            return List.of();
        }
        List<T> items = fetch.apply(last, n + 1);
        if (items.size() > n) {
            items = items.subList(0, n);
            ex.header("Link", "<" + path + "?n=" + n + "&last=" + items.get(n - 1) + ">; rel=\"next\"");
        }
        return items;
    }

    /**
     * A fetch that keeps only entries passing {@code keep}, reading further pages until it has {@code limit}
     * entries or the store runs out, so filtered listings still page correctly.
     */
    static <T> BiFunction<Optional<T>, Integer, List<T>> filtered(
            BiFunction<Optional<T>, Integer, List<T>> fetch, java.util.function.Predicate<T> keep) {
        return (after, limit) -> {
            List<T> kept = new java.util.ArrayList<>();
            Optional<T> cursor = after;
            while (kept.size() < limit) {
                List<T> batch = fetch.apply(cursor, limit);
                for (T item : batch) {
                    if (kept.size() < limit && keep.test(item)) {
                        kept.add(item);
                    }
                }
                if (batch.size() < limit) {
                    break;
                }
                cursor = Optional.of(batch.get(batch.size() - 1));
            }
            return kept;
        };
    }
}
