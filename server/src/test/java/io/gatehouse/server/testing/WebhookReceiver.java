package io.gatehouse.server.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A real HTTP receiver for webhook deliveries on a loopback port: records every request (headers and body)
 * and answers with the status its script gives for the n-th request (1-based).
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as received. Header names are lower case. */
    public record Received(int number, Map<String, List<String>> headers, byte[] body, int answered) {
        public String header(String name) {
            var values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null ? null : values.getFirst();
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile IntUnaryOperator script;

    private WebhookReceiver(IntUnaryOperator script) throws IOException {
        this.script = script;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int n = count.incrementAndGet();
            int status = this.script.applyAsInt(n);
            Map<String, List<String>> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            received.add(new Received(n, headers, body, status));
        });
        server.start();
    }

    /** Answers every request with 204. */
    public static WebhookReceiver accepting() throws IOException {
        return new WebhookReceiver(n -> 204);
    }

    /** Answers with the given statuses in turn, then 204. */
    public static WebhookReceiver answering(int... statuses) throws IOException {
        return new WebhookReceiver(n -> n <= statuses.length ? statuses[n - 1] : 204);
    }

    public void answerFromNowOn(int status) {
        this.script = n -> status;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The next request, waiting up to 20 seconds for it. */
    public Received next() throws InterruptedException {
        Received r = received.poll(20, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no webhook delivery arrived at " + url() + " within 20s");
        }
        return r;
    }

    /** A request that is already here, if any (for asserting that nothing came). */
    public Received poll() {
        return received.poll();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
