package dev.repoworker.worker.assets;

import java.util.Optional;
import java.util.stream.Collectors;

/** The HTML and URLs posts use for media: {@code <img>} on the lg WebP with srcset, {@code <video>}, originals. */
final class MediaHtml {

    private MediaHtml() {
    }

    /** The URL a link to the media should point at, when it has one (refused images have none). */
    static Optional<String> url(MediaFile media) {
        return media.display().map(MediaFile.Variant::url).or(media::original);
    }

    static String element(MediaFile media, String alt, Integer width, Integer height) {
        if (media.kind() == Vault.Kind.VIDEO) {
            return media.original().map(u -> "<video class=\"media\" controls preload=\"metadata\" src=\""
                    + Html.attr(u) + "\"></video>").orElse(refused(media));
        }
        if (media.kind() == Vault.Kind.SVG) {
            return media.original().map(u -> "<img class=\"media\" src=\"" + Html.attr(u) + "\" alt=\"" + Html.attr(alt)
                    + "\" loading=\"lazy\"" + size(width, height) + ">").orElse(refused(media));
        }
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
        String srcset = media.variants().stream().filter(x -> x.format().equals("webp"))
                .map(x -> x.url() + " " + x.width() + "w").collect(Collectors.joining(", "));
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
