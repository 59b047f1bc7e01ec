package dev.repoworker.api.dashboard;

import dev.repoworker.protocol.ConstantTime;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Who may see the dashboard and the API's {@code /metrics}.
 *
 * <ul>
 *   <li>{@code DASHBOARD_TOKEN} set: the token is required, as {@code Authorization: Bearer <token>},
 *       as the login cookie (set by the login form or by {@code ?token=}), never anything else.</li>
 *   <li>No token, and the API listens on a loopback address only ({@code HOST=127.0.0.1}): open.</li>
 *   <li>No token, and the API listens on every interface (the default): only clients on this machine
 *       that did not come through a proxy (no {@code X-Forwarded-For}, {@code Forwarded} or
 *       {@code X-Real-IP} header) get in; everyone else is told to set {@code DASHBOARD_TOKEN}.</li>
 * </ul>
 * The cookie holds a hash of the token, not the token, and is {@code HttpOnly; SameSite=Strict}.
 */
public final class DashboardAuth {

    /** The outcome of a check. */
    public enum Decision {
        ALLOW,
        LOGIN,
        FORBIDDEN
    }

    static final String COOKIE = "rw_dashboard";

    private final String token;
    private final String cookieValue;
    private final boolean localhostOnly;

    /** @param token null for no token */
    public DashboardAuth(String token, boolean localhostOnly) {
        this.token = token;
        this.cookieValue = token == null ? null : hash(token);
        this.localhostOnly = localhostOnly;
    }

    public boolean tokenRequired() {
        return token != null;
    }

    public Decision check(Context ctx) {
        if (token != null) {
            String authorization = ctx.header("Authorization");
            if (authorization != null
                    && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    && matches(authorization.substring(7).trim())) {
                return Decision.ALLOW;
            }
            String cookie = ctx.cookie(COOKIE);
            return ConstantTime.equals(cookieValue, cookie) ? Decision.ALLOW : Decision.LOGIN;
        }
        if (localhostOnly || isDirectLocalClient(ctx)) {
            return Decision.ALLOW;
        }
        return Decision.FORBIDDEN;
    }

    /** True when {@code candidate} is the token (constant time). */
    public boolean matches(String candidate) {
        return token != null && candidate != null && ConstantTime.equals(cookieValue, hash(candidate));
    }

    /** Sets the login cookie (the token's hash), {@code Secure} when the request came over HTTPS. */
    void login(Context ctx) {
        boolean https =
                "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        ctx.header(
                "Set-Cookie",
                COOKIE + "=" + cookieValue + "; Path=/; Max-Age=604800; HttpOnly; SameSite=Strict"
                        + (https ? "; Secure" : ""));
    }

    static void logout(Context ctx) {
        ctx.header("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    }

    private static boolean isDirectLocalClient(Context ctx) {
        if (ctx.header("X-Forwarded-For") != null
                || ctx.header("Forwarded") != null
                || ctx.header("X-Real-IP") != null) {
            return false;
        }
        try {
            return InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("repo-worker-dashboard:" + value).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
