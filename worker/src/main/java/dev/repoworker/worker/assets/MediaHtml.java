package dev.repoworker.worker.assets;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The HTML and URLs posts use for media: {@code <img>} on the lg WebP with srcset, {@code <video>}, {@code <audio>},
 * a PDF viewer ({@code <iframe>} on the original, with a link to it), originals.
 */
final class MediaHtml {

    private static final Pattern PDF_PAGE = Pattern.compile("(?:^|&)page=(\\d{1,6})(?:&|$)");
    private static final Pattern PDF_HEIGHT = Pattern.compile("(?:^|&)height=(\\d{1,5})(?:&|$)");

    private MediaHtml() {}

    /** The URL a link to the media should point at, when it has one (refused images have none). */
    static Optional<String> url(MediaFile media) {
        return media.display().map(MediaFile.Variant::url).or(media::original);
    }

    /**
     * The element that shows {@code media}. {@code fragment} is what followed {@code #} in the embed ({@code ""} when
     * nothing): a PDF honours Obsidian's {@code page=N} and {@code height=N} there. {@code trust} marks the PDF viewer
     * as the build's own for {@link HtmlSanitizer}.
     */
    static String element(
            MediaFile media, String alt, Integer width, Integer height, String fragment, HtmlSanitizer.Trust trust) {
        return switch (media.kind()) {
            case VIDEO ->
                media.original()
                        .map(u -> "<video class=\"media\" controls preload=\"metadata\" src=\"" + Html.attr(u)
                                + "\"></video>")
                        .orElse(refused(media));
            case AUDIO ->
                media.original()
                        .map(u -> "<audio class=\"media\" controls preload=\"metadata\" src=\"" + Html.attr(u)
                                + "\"></audio>")
                        .orElse(refused(media));
            case PDF ->
                media.original().map(u -> pdf(media, u, fragment, trust)).orElse(refused(media));
            case SVG ->
                media.original()
                        .map(u -> "<img class=\"media\" src=\"" + Html.attr(u) + "\" alt=\"" + Html.attr(alt)
                                + "\" loading=\"lazy\"" + size(width, height) + ">")
                        .orElse(refused(media));
            default -> image(media, alt, width, height);
        };
    }

    /** The viewer ({@code #page=N} becomes the URL's fragment, {@code #height=N} its height) and a link to the file. */
    private static String pdf(MediaFile media, String url, String fragment, HtmlSanitizer.Trust trust) {
        Matcher page = PDF_PAGE.matcher(fragment);
        Matcher height = PDF_HEIGHT.matcher(fragment);
        String src = url + (page.find() ? "#page=" + page.group(1) : "");
        return "<span class=\"media media-pdf\"><iframe class=\"media-pdf-viewer\" src=\"" + Html.attr(src)
                + "\" title=\"" + Html.attr(media.name()) + "\""
                + (height.find() ? " height=\"" + height.group(1) + "\"" : "")
                + " loading=\"lazy\" " + trust.attribute() + "></iframe><a class=\"media-link\" href=\""
                + Html.attr(url)
                + "\">" + Html.text(media.name()) + "</a></span>";
    }

    private static String image(MediaFile media, String alt, Integer width, Integer height) {
        Optional<MediaFile.Variant> display = media.display();
        if (display.isEmpty()) {
            return refused(media);
        }
        MediaFile.Variant v = display.get();
        int w = v.width();
        int h = v.height();
        if (width != null) {
            h = height != null ? height : Math.max(1, Math.round((float) v.height() * width / v.width()));
            w = width;
        }
        String srcset = media.variants().stream()
                .filter(x -> x.format().equals("webp"))
                .map(x -> x.url() + " " + x.width() + "w")
                .collect(Collectors.joining(", "));
        return "<img class=\"media\" src=\"" + Html.attr(v.url()) + "\" srcset=\"" + Html.attr(srcset)
                + "\" sizes=\"(max-width: " + w + "px) 100vw, " + w + "px\" alt=\"" + Html.attr(alt) + "\" width=\"" + w
                + "\" height=\"" + h + "\" loading=\"lazy\" decoding=\"async\">";
    }

    private static String size(Integer width, Integer height) {
        return (width == null ? "" : " width=\"" + width + "\"") + (height == null ? "" : " height=\"" + height + "\"");
    }

    private static String refused(MediaFile media) {
        return "<span class=\"refused-media\">" + Html.text(media.name()) + "</span>";
    }
}
