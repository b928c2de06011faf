package io.gatehouse.oci.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Puts the headers every /v2/ response carries (including errors and 401s) around the OCI dispatcher. */
public final class OciProtocol {
    private OciProtocol() {}

    public static Handler wrap(Handler dispatcher) {
        return new Handler.Wrapper(dispatcher) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = request.getHttpURI().getPath();
                if (path != null && (path.equals("/v2") || path.startsWith("/v2/"))) {
                    response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
                }
                return super.handle(request, response, callback);
            }
        };
    }
}
