package dev.repoworker.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.TestVault;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private static final Chunker CHUNKER = new Chunker();

    private static Post post(Map<String, Object> json) {
        return LenientPost.fromJson(Json.mapper().valueToTree(json), 0);
    }

    @Test
    void the_real_wordpiece_tokenizer_measures_the_budget() {
        assertThat(CHUNKER.tokenizer()).isEqualTo("wordpiece:all-minilm-l6-v2");
        assertThat(CHUNKER.countTokens("Tokenization matters")).isBetween(3, 5);
    }

    @Test
    void a_five_thousand_word_post_is_fully_covered_within_the_token_budget() {
        Post post = post(TestVault.longPost("long", 5_000));
        String text = PostText.of(post).text();

        List<Chunk> chunks = CHUNKER.chunk(post);

        assertThat(chunks).hasSizeGreaterThan(20);
        boolean[] covered = new boolean[text.length()];
        for (Chunk chunk : chunks) {
            assertThat(chunk.body()).isEqualTo(text.substring(chunk.start(), chunk.end()));
            assertThat(CHUNKER.countTokens(chunk.text())).isLessThanOrEqualTo(Chunker.MAX_TOKENS);
            assertThat(chunk.text()).startsWith("A very long note › Part ");
            for (int i = chunk.start(); i < chunk.end(); i++) {
                covered[i] = true;
            }
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                assertThat(covered[i])
                        .as("character %d (%s) is in a chunk", i, text.charAt(i))
                        .isTrue();
            }
        }
        assertThat(text.split("\\s+")).hasSizeGreaterThanOrEqualTo(5_000);
    }

    @Test
    void neighbouring_windows_overlap_a_little() {
        Post post = post(TestVault.longPost("long", 2_000));
        List<Chunk> chunks = CHUNKER.chunk(post).stream()
                .filter(c -> c.heading().equals("Part 1"))
                .toList();

        assertThat(chunks).hasSizeGreaterThan(1);
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).start()).isLessThan(chunks.get(i - 1).end());
            String overlap = chunks.get(i - 1)
                    .body()
                    .substring(chunks.get(i).start() - chunks.get(i - 1).start());
            assertThat(CHUNKER.countTokens(overlap)).isBetween(8, 2 * Chunker.OVERLAP);
        }
    }

    @Test
    void chunks_split_on_headings_and_carry_the_title_and_heading_path() {
        Post post = post(
                Map.of(
                        "slug",
                        "s",
                        "title",
                        "Kitchen notes",
                        "url",
                        "/s/",
                        "html",
                        "<p>Intro text.</p><h2 id=\"bread\">Bread</h2><p>Knead it.</p><h3>Rye</h3><p>Sour.</p>"
                                + "<h2 id=\"soup\">Soup</h2><ul><li>Leeks</li><li>Potatoes</li></ul><script>alert(1)</script>"));

        List<Chunk> chunks = CHUNKER.chunk(post);

        assertThat(chunks).extracting(Chunk::heading).containsExactly("", "Bread", "Bread › Rye", "Soup");
        assertThat(chunks)
                .extracting(Chunk::body)
                .containsExactly("Intro text.", "Knead it.", "Sour.", "Leeks\nPotatoes");
        assertThat(chunks).extracting(Chunk::anchor).containsExactly("", "bread", "", "soup");
        assertThat(chunks.get(2).text()).isEqualTo("Kitchen notes › Bread › Rye\nSour.");
    }

    @Test
    void without_html_the_plain_text_is_split_at_the_toc_headings() {
        Post post = post(Map.of(
                "slug",
                "p",
                "title",
                "T",
                "plain",
                "Before.\n\nFirst\n\nOne.\n\nSecond\n\nTwo.",
                "toc",
                List.of(
                        Map.of("level", 2, "text", "First", "anchor", "first"),
                        Map.of("level", 2, "text", "Second", "id", "second"))));

        assertThat(CHUNKER.chunk(post))
                .extracting(Chunk::heading, Chunk::body)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("", "Before."),
                        org.assertj.core.groups.Tuple.tuple("First", "One."),
                        org.assertj.core.groups.Tuple.tuple("Second", "Two."));
    }

    @Test
    void a_post_with_only_a_title_still_gets_one_chunk() {
        assertThat(CHUNKER.chunk(post(Map.of("slug", "t", "title", "Just a title"))))
                .singleElement()
                .satisfies(c -> assertThat(c.text()).isEqualTo("Just a title"));
    }

    @Test
    void the_approximate_tokenizer_also_covers_long_posts() {
        Chunker approximate = new Chunker(WordPieces.approximate(), Chunker.MAX_TOKENS, Chunker.OVERLAP);
        Post post = post(TestVault.longPost("long", 5_000));
        List<Chunk> chunks = approximate.chunk(post);
        String text = PostText.of(post).text();
        int coveredTo = 0;
        for (Chunk chunk : chunks.stream()
                .sorted(java.util.Comparator.comparingInt(Chunk::start))
                .toList()) {
            assertThat(text.substring(coveredTo, Math.max(coveredTo, chunk.start())))
                    .isBlank();
            coveredTo = Math.max(coveredTo, chunk.end());
        }
        assertThat(text.substring(coveredTo)).isBlank();
    }
}
