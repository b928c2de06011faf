package io.gatehouse.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.access.AccessDecisionPoint;
import io.gatehouse.access.Caller;
import io.gatehouse.access.Grants;
import io.gatehouse.access.RequestContext;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Invalid;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its response, as protocol handlers see it: typed path parameters, the caller, a body
 * stream, and blocking send methods (handlers run on virtual threads, so blocking is cheap).
 */
public final class Exchange {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** Large enough that streaming a blob costs few system calls. */
    private static final int STREAM_BUFFER = 256 * 1024;

    private final Request request;
    private final Response response;
    private final Map<String, String> pathParams;
    private final Caller caller;
    private final RequestContext context;
    private final AccessDecisionPoint decisions;
    private final Traffic traffic;
    private Fields query;
    private boolean committed;

    Exchange(
            Request request,
            Response response,
            Map<String, String> pathParams,
            Caller caller,
            RequestContext context,
            AccessDecisionPoint decisions,
            Traffic traffic) {
        this.request = request;
        this.response = response;
        this.pathParams = pathParams;
        this.caller = caller;
        this.context = context;
        this.decisions = decisions;
        this.traffic = traffic;
    }

    /** Parses a path parameter into a domain type; the parser throws the right Invalid kind. */
    public <T> T pathParam(String name, Function<String, T> parser) {
        return parser.apply(pathParams.get(name));
    }

    public Optional<String> query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request);
        }
        return Optional.ofNullable(query.getValue(name));
    }

    public List<String> queryValues(String name) {
        query(name);
        List<String> values = query.getValues(name);
        return values == null ? List.of() : values;
    }

    /** A non-negative integer query parameter. */
    public Optional<Integer> queryInt(String name) {
        return query(name).map(v -> {
            try {
                int n = Integer.parseInt(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new Invalid(Invalid.Kind.PAGINATION, "'" + name + "' must be a non-negative integer");
            }
        });
    }

    public String method() {
        return request.getMethod();
    }

    /** Scheme, host and port as the client addressed this server. */
    public String baseUrl() {
        var uri = request.getHttpURI();
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    public String path() {
        return request.getHttpURI().getPath();
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeaders().get(name));
    }

    public List<String> headerValues(String name) {
        return request.getHeaders().getValuesList(name);
    }

    /** The declared body length, or -1 when the client streams without one. */
    public long contentLength() {
        return request.getLength();
    }

    public InputStream body() {
        return traffic.countIn(Content.Source.asInputStream(request));
    }

    /**
     * Reads a whole body that must not exceed {@code limit} bytes (manifests, JSON). An oversized body is
     * drained up to a bound before the error goes out, so the client, still sending, can read the 413.
     */
    public byte[] bodyBytes(int limit, Invalid tooLarge) throws IOException {
        long declared = contentLength();
        try (InputStream in = body()) {
            if (declared > limit) {
                drain(in, declared);
                throw tooLarge;
            }
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                drain(in, MAX_DRAIN);
                throw tooLarge;
            }
            return bytes;
        }
    }

    /**
     * The body as a JSON object, for JSON APIs: at most {@code limit} bytes; an empty body is {@code {}} when
     * {@code emptyIsObject}, else a 400 like any other body that is not a JSON object.
     */
    public com.fasterxml.jackson.databind.JsonNode bodyJsonObject(int limit, boolean emptyIsObject) throws IOException {
        byte[] bytes = bodyBytes(limit, new Invalid(Invalid.Kind.PARAMETER, "request body too large"));
        if (bytes.length == 0 && emptyIsObject) {
            return JSON.createObjectNode();
        }
        try {
            var node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new Invalid(Invalid.Kind.PARAMETER, "the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Invalid(Invalid.Kind.PARAMETER, "the body is not valid JSON");
        }
    }

    /** Past this, an oversized body is not read: the connection is closed instead. */
    private static final long MAX_DRAIN = 64L * 1024 * 1024;

    private static void drain(InputStream in, long declared) throws IOException {
        if (declared > MAX_DRAIN) {
            return;
        }
        long remaining = declared;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped <= 0 && in.read() < 0) {
                return;
            }
            remaining -= Math.max(skipped, 1);
        }
    }

    public Caller caller() {
        return caller;
    }

    public RequestContext context() {
        return context;
    }

    /** Asks the decision point about a second resource (for example the source of a mount). Audited. */
    public boolean isAllowed(Action action, Resource resource) {
        return decisions.decide(caller, action, resource, context).allowed();
    }

    /**
     * Whether the catalog lists the repository: the caller's identity may pull it, whatever its token's scope.
     * A client asks for {@code registry:catalog:*} only, and may learn the names it could get a token for.
     * Audited.
     */
    public boolean isListed(Resource repository) {
        var identity = new Caller(caller.principal(), Grants.ALL);
        return decisions.decide(identity, Action.PULL, repository, context).allowed();
    }

    public Exchange header(String name, String value) {
        response.getHeaders().put(name, value);
        return this;
    }

    public Exchange header(String name, long value) {
        response.getHeaders().put(name, value);
        return this;
    }

    public boolean isCommitted() {
        return committed;
    }

    /** Sends a status with no body. */
    public void send(int status) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        write(ByteBuffer.allocate(0));
    }

    public void sendBytes(int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        write(isHead() ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body));
        traffic.countOut(isHead() ? 0 : body.length);
    }

    public void sendJson(int status, Object body) throws IOException {
        sendBytes(status, "application/json", JSON.writeValueAsBytes(body));
    }

    public void sendText(int status, String contentType, String body) throws IOException {
        sendBytes(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Streams {@code length} bytes (known in advance) from {@code in}; a HEAD request sends headers only. */
    public void sendStream(int status, String contentType, long length, InputStream in) throws IOException {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        committed = true;
        if (!isHead() && in instanceof ReadableByteChannel channel) {
            try (in) {
                traffic.countOut(sendChannel(channel, length));
            }
            return;
        }
        try (in;
                OutputStream out = Content.Sink.asOutputStream(response)) {
            if (!isHead()) {
                byte[] buffer = new byte[STREAM_BUFFER];
                long total = 0;
                for (int n; (n = in.read(buffer)) > 0; total += n) {
                    out.write(buffer, 0, n);
                }
                traffic.countOut(total);
            }
        }
    }

    /** Moves bytes from the channel to the socket through one pooled direct buffer: no copies through the heap. */
    private long sendChannel(ReadableByteChannel channel, long length) throws IOException {
        if (length == 0) {
            write(ByteBuffer.allocate(0));
            return 0;
        }
        RetainableByteBuffer pooled =
                request.getComponents().getByteBufferPool().acquire(STREAM_BUFFER, true);
        try {
            ByteBuffer buffer = pooled.getByteBuffer();
            long total = 0;
            while (total < length) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    throw new IOException("blob ended after " + total + " of " + length + " bytes");
                }
                buffer.flip();
                total += n;
                try (Blocker.Callback callback = Blocker.callback()) {
                    response.write(total >= length, buffer, callback);
                    callback.block();
                }
            }
            return total;
        } finally {
            pooled.release();
        }
    }

    public boolean isHead() {
        return "HEAD".equals(request.getMethod());
    }

    private void write(ByteBuffer buffer) throws IOException {
        committed = true;
        try (Blocker.Callback callback = Blocker.callback()) {
            response.write(true, buffer, callback);
            callback.block();
        }
    }

    /** Counts bytes in and out for metrics, per route. */
    interface Traffic {
        InputStream countIn(InputStream in);

        void countOut(long bytes);
    }
}
