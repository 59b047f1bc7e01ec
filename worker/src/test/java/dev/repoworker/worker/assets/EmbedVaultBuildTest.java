package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.TaskType;
import dev.repoworker.testkit.EmbedVault;
import dev.repoworker.worker.WorkerConfig;
import dev.repoworker.worker.WorkerRoot;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.TaskData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds {@link EmbedVault} once and checks every kind of embed in the posts' HTML, the media and the issues. */
class EmbedVaultBuildTest {

    private static final String YOUTUBE = "https://www.youtube-nocookie.com/embed/";

    @TempDir
    static Path temp;

    static Path vault;
    static Path out;
    static JsonNode posts;
    static JsonNode medias;
    static JsonNode issues;

    @BeforeAll
    static void build() throws Exception {
        vault = EmbedVault.write(temp.resolve("vault"));
        out = temp.resolve("out");
        new AssetBuilder().build(vault, BuildOptions.defaults(), out, ProgressListener.NONE);
        posts = Json.mapper().readTree(out.resolve("posts.json").toFile());
        medias = Json.mapper().readTree(out.resolve("medias.json").toFile());
        issues = Json.mapper().readTree(out.resolve("issues.json").toFile());
    }

    static Document html(String slug) {
        JsonNode post = StreamSupport.stream(posts.spliterator(), false)
                .filter(p -> p.path("slug").asText().equals(slug))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no post " + slug));
        return Jsoup.parseBodyFragment(post.path("html").asText());
    }

    static JsonNode media(String path) {
        return StreamSupport.stream(medias.spliterator(), false)
                .filter(m -> m.path("path").asText().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no media " + path + " in " + medias));
    }

    static String original(String path) {
        return media(path).path("original").asText();
    }

    /** {@code file:line} of every issue of {@code kind}. */
    static List<String> issues(String kind) {
        return StreamSupport.stream(issues.spliterator(), false)
                .filter(i -> i.path("kind").asText().equals(kind))
                .map(i -> i.path("file").asText() + ":" + i.path("line").asInt())
                .toList();
    }

    @Test
    void audio_video_and_pdf_files_are_published_as_they_are_named_by_their_hash() throws Exception {
        for (String[] file : List.of(
                new String[] {"Recording.ogg", "audio", "ogg"},
                new String[] {"audio/talk.mp3", "audio", "mp3"},
                new String[] {"sounds/beep.wav", "audio", "wav"},
                new String[] {"video/clip.mp4", "video", "mp4"},
                new String[] {"paper.pdf", "pdf", "pdf"})) {
            JsonNode entry = media(file[0]);
            String hash = Manifest.sha256(vault.resolve(file[0]));
            assertThat(entry.path("kind").asText()).as(file[0]).isEqualTo(file[1]);
            assertThat(entry.path("hash").asText()).isEqualTo(hash);
            assertThat(entry.path("original").asText()).isEqualTo("/_repo/medias/" + hash + "." + file[2]);
            assertThat(out.resolve("media/" + hash + "." + file[2])).hasSameBinaryContentAs(vault.resolve(file[0]));
        }
    }

    @Test
    void audio_and_video_embeds_of_both_syntaxes_are_players() {
        Document html = html("media");
        assertThat(html.select("audio"))
                .extracting(a -> a.attr("src"))
                .containsExactly(original("Recording.ogg"), original("audio/talk.mp3"), original("sounds/beep.wav"));
        assertThat(html.select("audio")).allSatisfy(a -> {
            assertThat(a.hasAttr("controls")).isTrue();
            assertThat(a.attr("preload")).isEqualTo("metadata");
        });
        Element video = html.selectFirst("video");
        assertThat(video.attr("src")).isEqualTo(original("video/clip.mp4"));
        assertThat(video.hasAttr("controls")).isTrue();
    }

    @Test
    void pdf_embeds_are_a_viewer_on_the_page_asked_for_and_a_link_to_the_file() {
        String pdf = original("paper.pdf");
        Elements viewers = html("media").select("span.media-pdf");
        assertThat(viewers).hasSize(3);
        assertThat(viewers)
                .extracting(v -> v.selectFirst("iframe").attr("src"))
                .containsExactly(pdf + "#page=3", pdf, pdf + "#page=2");
        assertThat(viewers)
                .extracting(v -> v.selectFirst("iframe").attr("height"))
                .containsExactly("", "400", "");
        assertThat(viewers).allSatisfy(v -> {
            assertThat(v.selectFirst("iframe").hasAttr("sandbox")).isFalse();
            assertThat(v.selectFirst("a.media-link").attr("href")).isEqualTo(pdf);
        });
    }

    @Test
    void links_to_audio_and_pdf_point_at_the_published_files() {
        Elements links = html("media").select("p a.media-link");
        assertThat(links)
                .extracting(Element::text, a -> a.attr("href"))
                .contains(
                        org.assertj.core.groups.Tuple.tuple("link to the talk", original("audio/talk.mp3")),
                        org.assertj.core.groups.Tuple.tuple("paper.pdf", original("paper.pdf")));
    }

    @Test
    void missing_audio_video_and_pdf_are_reported_with_their_lines_in_both_syntaxes() {
        String note = EmbedVault.MEDIA;
        assertThat(issues(Issue.MISSING_MEDIA))
                .containsExactlyInAnyOrder(
                        "Media.md:" + EmbedVault.lineOf(note, "gone.mp3"),
                                "Media.md:" + EmbedVault.lineOf(note, "gone.mp4"),
                        "Media.md:" + EmbedVault.lineOf(note, "gone.pdf"),
                                "Media.md:" + EmbedVault.lineOf(note, "lost.wav"),
                        "Media.md:" + EmbedVault.lineOf(note, "lost.webm"),
                                "Media.md:" + EmbedVault.lineOf(note, "lost.pdf"));
        assertThat(html("media").select("span.missing-media"))
                .extracting(Element::text)
                .containsExactly("gone.mp3", "gone.mp4", "gone.pdf", "lost sound", "lost video", "lost paper");
        assertThat(issues(Issue.BROKEN_LINK)).isEmpty();
    }

    @Test
    void media_over_max_media_bytes_is_refused_and_reported() throws Exception {
        WorkerConfig config = WorkerConfig.fromEnv(Map.of(
                "WORKER_SECRET", "secret", "TEMP_DIR", temp.resolve("tmp").toString(), "MAX_MEDIA_BYTES", "1KB"));
        BuildOptions options = ((BuildAssetsTask) WorkerRoot.of(config)
                        .tasks()
                        .find(TaskType.BUILD_ASSETS)
                        .orElseThrow())
                .options(new TaskData(Map.of()));
        Path capped = temp.resolve("capped");
        new AssetBuilder().build(vault, options, capped, ProgressListener.NONE);

        JsonNode found = Json.mapper().readTree(capped.resolve("issues.json").toFile());
        assertThat(StreamSupport.stream(found.spliterator(), false)
                        .filter(i -> i.path("kind").asText().equals(Issue.FILE_TOO_LARGE))
                        .map(i -> i.path("file").asText()))
                .containsExactly("sounds/beep.wav");
        JsonNode media =
                Json.mapper().readTree(capped.resolve("posts/media.json").toFile());
        assertThat(Jsoup.parseBodyFragment(media.path("html").asText())
                        .select("span.refused-media")
                        .text())
                .isEqualTo("beep.wav");
    }

    @Test
    void youtube_links_become_sandboxed_privacy_enhanced_players_with_their_start_time() {
        Elements players = html("web").select("iframe");
        assertThat(players)
                .extracting(p -> p.attr("src"))
                .containsExactly(
                        YOUTUBE + "dQw4w9WgXcQ?start=90",
                        YOUTUBE + "dQw4w9WgXcQ?start=90",
                        YOUTUBE + "abcDEF_-123",
                        YOUTUBE + "abcDEF_-123?start=15");
        assertThat(players).allSatisfy(p -> {
            assertThat(p.attr("sandbox")).isEqualTo("allow-scripts allow-same-origin allow-presentation");
            assertThat(p.attr("loading")).isEqualTo("lazy");
            assertThat(p.attr("title")).isNotBlank();
            assertThat(p.hasAttr("srcdoc")).isFalse();
        });
        assertThat(players.first().attr("title")).isEqualTo("Talk");
    }

    @Test
    void x_posts_become_quotes_holding_a_plain_link() {
        Elements posts = html("web").select("blockquote.twitter-tweet");
        assertThat(posts)
                .extracting(q -> q.selectFirst("a").attr("href"))
                .containsExactly("https://twitter.com/someone/status/1234567890", "https://x.com/other_one/status/42");
        assertThat(posts).extracting(Element::text).containsExactly("A post", "Post by @other_one");
        assertThat(html("web").select("script")).isEmpty();
    }

    @Test
    void other_pages_become_links_and_images_stay_images() {
        Document html = html("web");
        assertThat(html.select("p > a[href]"))
                .extracting(Element::text, a -> a.attr("href"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Bad id", "https://www.youtube.com/watch?v=short"),
                        org.assertj.core.groups.Tuple.tuple("A page", "https://example.com/article"),
                        org.assertj.core.groups.Tuple.tuple(
                                "Lookalike", "https://www.youtube-nocookie.com.evil.example/embed/dQw4w9WgXcQ"),
                        org.assertj.core.groups.Tuple.tuple(
                                "Query", "https://evil.example/?https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"));
        assertThat(html.select("img"))
                .singleElement()
                .satisfies(img -> assertThat(img.attr("src")).isEqualTo("https://example.com/picture.PNG?size=large"));
    }

    @Test
    void a_note_embeds_its_own_sections_and_blocks() {
        Elements embeds = html("sections").select("div.embed-note > div.embed-content");
        assertThat(embeds.get(0).select("h2").text()).isEqualTo("Details");
        assertThat(embeds.get(0).text()).contains("Detail text.").doesNotContain("Loop text.");
        assertThat(embeds.get(1).select("p").text()).isEqualTo("A kept paragraph.");
        assertThat(html("other").selectFirst("div.embed-content").text())
                .contains("Detail text.")
                .doesNotContain("Loop text.");
    }

    @Test
    void only_a_section_that_embeds_itself_is_a_cycle() {
        int loop = EmbedVault.lineOf(EmbedVault.SECTIONS, "![[#Loop]]");
        assertThat(issues(Issue.EMBED_CYCLE)).containsExactly("Sections.md:" + loop);
        Element shown = html("sections").select("div.embed-content").stream()
                .filter(e -> e.text().contains("Loop text."))
                .findFirst()
                .orElseThrow();
        assertThat(shown.select("a.internal-link[href=#loop]")).hasSize(1);
        assertThat(shown.select("div.embed")).isEmpty();
    }

    @Test
    void a_links_display_text_keeps_its_inline_markdown() {
        Document html = html("links");
        Element code = html.selectFirst("a.internal-link[href=/_repo/notes/functions#hastag] > code");
        assertThat(code).isNotNull();
        assertThat(code.text()).isEqualTo("hasTag");
        Element styled = html.select("a.internal-link").get(1);
        assertThat(styled.select("strong").text()).isEqualTo("strong");
        assertThat(styled.select("em").text()).isEqualTo("em");
        assertThat(styled.select("del").text()).isEqualTo("gone");
        Element plain = html.select("a.internal-link").get(2);
        assertThat(plain.children()).extracting(Element::normalName).containsExactly("code");
        assertThat(plain.select("code").text()).isEqualTo("ok");
        assertThat(plain.text()).contains("bold").doesNotContain("x()");
        assertThat(html.select("a.internal-link").get(3).html()).isEqualTo("plain words");
    }
}
