package dev.repoworker.observe;

import io.javalin.config.JavalinConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives by itself, before any route runs (a NUL or an ambiguous segment in the path,
 * a malformed request line, headers too large), in the service's own JSON error shape instead of
 * Jetty's HTML page. The message is the status's reason phrase only, never Jetty's detail.
 */
public final class JsonErrorPages extends ErrorHandler {

    /** The service's JSON error body for a status, a message and the part of the request at fault (or null). */
    @FunctionalInterface
    public interface ErrorBody {
        String json(int status, String message, String field);
    }

    private final ErrorBody errorBody;

    private JsonErrorPages(ErrorBody errorBody) {
        this.errorBody = errorBody;
        setShowStacks(false);
        setShowCauses(false);
    }

    public static void install(JavalinConfig config, ErrorBody errorBody) {
        JsonErrorPages pages = new JsonErrorPages(errorBody);
        config.jetty.modifyServer(server -> server.setErrorHandler(pages));
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status));
    }

    private byte[] body(int status) {
        String reason = HttpStatus.getMessage(status);
        return errorBody
                .json(status, "the request was refused: " + (reason == null ? "HTTP " + status : reason), field(status))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** What Jetty refuses before routing: the request line and path (400, 414) or the headers (431). */
    private static String field(int status) {
        return switch (status) {
            case 400, 414 -> "path";
            case 431 -> "headers";
            default -> null;
        };
    }
}
