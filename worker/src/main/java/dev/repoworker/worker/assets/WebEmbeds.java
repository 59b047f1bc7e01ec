package dev.repoworker.worker.assets;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ![alt](https://…)} shows when the URL is not an image: a YouTube video plays in the privacy-enhanced
 * player ({@code youtube-nocookie.com}, sandboxed, with its start time); an X/Twitter post becomes a quote holding a
 * plain link to it (no third-party script); anything else becomes a link. An image is decided by the extension of the
 * URL's path.
 */
final class WebEmbeds {

    /** What a web URL is, for an embed. */
    sealed interface Embed {}

    record Image() implements Embed {}

    record YouTube(String id, int startSeconds) implements Embed {}

    record Post(String url, String user) implements Embed {}

    record Link(String url) implements Embed {}

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "webp", "svg", "avif");
    private static final Set<String> YOUTUBE_HOSTS = Set.of(
            "youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com");
    private static final Set<String> X_HOSTS =
            Set.of("twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com", "www.x.com");
    private static final Pattern VIDEO_ID = Pattern.compile("[A-Za-z0-9_-]{11}");
    private static final Pattern VIDEO_PATH = Pattern.compile("/(?:shorts|embed|live)/([A-Za-z0-9_-]{11})/?");
    private static final Pattern STATUS_PATH = Pattern.compile("/([A-Za-z0-9_]{1,15})/status/(\\d{1,20})(?:/.*)?");
    private static final Pattern TIME = Pattern.compile("(?:(\\d{1,2})h)?(?:(\\d{1,4})m)?(?:(\\d{1,6})s?)?");
    private static final int MAX_START = 999_999;

    private WebEmbeds() {}

    /** What an http(s) URL of an image's source is; anything else (another scheme, unparsable) is an image. */
    static Embed of(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return looksLikeImage(url.replaceAll("[?#].*$", "")) ? new Image() : new Link(url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return new Image();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (looksLikeImage(path)) {
            return new Image();
        }
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        String videoId = null;
        if (host.equals("youtu.be")
                && VIDEO_ID.matcher(path.replaceAll("^/|/$", "")).matches()) {
            videoId = path.replaceAll("^/|/$", "");
        } else if (YOUTUBE_HOSTS.contains(host)) {
            Matcher m = VIDEO_PATH.matcher(path);
            String v = parameter(query, "v");
            videoId = m.matches()
                    ? m.group(1)
                    : path.equals("/watch") && v != null && VIDEO_ID.matcher(v).matches() ? v : null;
        }
        if (videoId != null) {
            String t = parameter(query, "t");
            return new YouTube(videoId, seconds(t != null ? t : parameter(query, "start")));
        }
        Matcher status = STATUS_PATH.matcher(path);
        if (X_HOSTS.contains(host) && status.matches()) {
            return new Post("https://" + host + "/" + status.group(1) + "/status/" + status.group(2), status.group(1));
        }
        return new Link(url);
    }

    /** The HTML of a non-image embed; {@code trust} marks the player as the build's own for {@link HtmlSanitizer}. */
    static String html(Embed embed, String alt, HtmlSanitizer.Trust trust) {
        return switch (embed) {
            case YouTube v ->
                "<iframe class=\"embed-youtube\" src=\"" + HtmlSanitizer.YOUTUBE_EMBED + v.id()
                        + (v.startSeconds() > 0 ? "?start=" + v.startSeconds() : "") + "\" title=\""
                        + Html.attr(alt.isBlank() ? "YouTube video" : alt)
                        + "\" width=\"560\" height=\"315\" sandbox=\""
                        + HtmlSanitizer.YOUTUBE_SANDBOX + "\" allow=\"encrypted-media; picture-in-picture; fullscreen\""
                        + " allowfullscreen referrerpolicy=\"strict-origin-when-cross-origin\" loading=\"lazy\" "
                        + trust.attribute() + "></iframe>";
            case Post p ->
                "<blockquote class=\"twitter-tweet\"><a href=\"" + Html.attr(p.url()) + "\">"
                        + Html.text(alt.isBlank() ? "Post by @" + p.user() : alt) + "</a></blockquote>";
            case Link l ->
                "<a href=\"" + Html.attr(l.url()) + "\">" + Html.text(alt.isBlank() ? l.url() : alt) + "</a>";
            case Image i -> throw new IllegalArgumentException("an image is shown as an image");
        };
    }

    private static boolean looksLikeImage(String path) {
        return IMAGE_EXTENSIONS.contains(Vault.extension(path.substring(path.lastIndexOf('/') + 1)));
    }

    /** The first value of {@code name} in a raw query, or null. */
    private static String parameter(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** {@code 90}, {@code 90s}, {@code 1m30s} or {@code 1h2m3s} in seconds; 0 when absent or not a time. */
    static int seconds(String time) {
        if (time == null || time.isEmpty()) {
            return 0;
        }
        Matcher m = TIME.matcher(time);
        if (!m.matches()) {
            return 0;
        }
        long total = 3600L * number(m.group(1)) + 60L * number(m.group(2)) + number(m.group(3));
        return (int) Math.min(total, MAX_START);
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
