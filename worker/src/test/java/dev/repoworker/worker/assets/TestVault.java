package dev.repoworker.worker.assets;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** A small vault that exercises every feature of build-assets, written at test time (symlinks, image bytes). */
final class TestVault {

    static final String INDEX = """
            ---
            title: Home
            tags: [home, Garden]
            aliases: [Start]
            ---
            # Welcome

            First paragraph with a [[Target Note]], an [[Target Note|aliased link]], a [[Target Note#Second Heading]], a [[#Local Section]], a block ref [[Target Note#^block-1]] and an alias link [[The Target]].

            A relative [markdown link](sub/Deep%20Note.md) and [with anchor](<sub/Deep Note.md#Deep Heading>).

            ==highlighted **text**== and %%hidden comment%% visible. Inline #tag-one and #nested/tag but not #123.

            %%
            a block comment
            %%

            ## Local Section

            > [!note] Plain callout
            > Callout body with [[Target Note]].

            > [!warning]- Folded callout
            > Hidden body.

            > [!tip]+ Open fold
            > Shown body.

            | Col A | Col B |
            |---|---|
            | [[Target Note\\|in table]] | cell |

            - [ ] open task
            - [x] done task

            ~~struck~~ and a footnote[^1].

            [^1]: The footnote text.

            Inline math $e^{i\\pi} + 1 = 0$ and display:

            $$
            \\int_0^1 x^2 dx
            $$

            ```mermaid
            graph TD; A-->B;
            ```

            ```java
            String s = "[[Not A Link]] #notatag ==no==";
            ```

            Visit https://example.com/auto for autolinks.

            Broken: [[Nowhere Note]] and missing ![[missing.png]].

            ![[images/photo.png|300]]

            ![A photo](images/photo.png)

            ![[Target Note]]

            Escaping [bad](../../../etc/passwd.md) and ![[../../secret.png]].

            <script>alert('x')</script>

            <img src="images/photo.png" onerror="alert(1)">

            [click](javascript:alert(1)) and <a href="data:text/html;base64,PHNjcmlwdD4=">data</a>

            <iframe src="https://evil.example/"></iframe>

            Diagram: ![[diagram.svg]] and a huge ![[bomb.png]].
            """;

    static final String TARGET = """
            ---
            aliases:
              - The Target
            tags: target
            ---
            # Target Heading

            Target intro paragraph. ^block-1

            ## Second Heading

            Back to [[index]].
            """;

    static final String BOMB = """
            ---
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            ---
            Bomb body still builds.
            """;

    private TestVault() {}

    /** Notes of the vault: path → content. */
    static Map<String, String> notes() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("index.md", INDEX);
        files.put("notes/Target Note.md", TARGET);
        files.put("sub/Deep Note.md", "# Deep Heading\n\nDeep text links to [[Target Note]].\n");
        files.put("cycle/Cycle A.md", "# Cycle A\n\n![[Cycle B]]\n");
        files.put("cycle/Cycle B.md", "# Cycle B\n\n![[Cycle A]]\n");
        files.put("notes/Duplicate.md", "# First duplicate\n");
        files.put("other/duplicate.md", "# Second duplicate\n");
        files.put("custom.md", "---\nslug: Custom Slug!\n---\nCustom slug note.\n");
        files.put("private/Secret.md", "---\npublic: false\n---\nSecret text.\n");
        files.put("drafts/Draft.md", "---\ndraft: true\n---\nDraft text.\n");
        files.put("bad/Malformed.md", "---\ntitle: [unclosed\n---\nMalformed body still builds.\n");
        files.put("bad/Bomb.md", BOMB);
        files.put(".repoignore", "# ignore rules\nignored/\n*.tmp.md\n!keep.tmp.md\n");
        files.put("ignored/Hidden.md", "ignored by .repoignore\n");
        files.put("x.tmp.md", "ignored by pattern\n");
        files.put("keep.tmp.md", "# Kept\n\nre-included by !pattern\n");
        files.put("skipme/Skip.md", "ignored by ignoreFiles\n");
        files.put(".obsidian/workspace.md", "tool state\n");
        files.put(".hidden/Note.md", "hidden folder\n");
        files.put("node_modules/pkg/readme.md", "dependency\n");
        files.put(
                "images/diagram.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>\n");
        return files;
    }

    /** Writes the vault into {@code dir}, plus images and an escaping symlink to {@code outside}. */
    static Path write(Path dir, Path outside) throws IOException {
        for (Map.Entry<String, String> e : notes().entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
        }
        writeImages(dir);
        Files.createDirectories(outside);
        Path secret = Files.writeString(outside.resolve("secret.md"), "# Outside secret\n");
        Files.createSymbolicLink(dir.resolve("escape.md"), secret);
        return dir;
    }

    static void writeImages(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("images/photo.png"), image(800, 600, "png"));
        Files.write(dir.resolve("images/orphan.jpg"), image(200, 100, "jpg"));
        Files.write(dir.resolve("images/bomb.png"), pngHeader(20_000, 20_000));
    }

    static byte[] image(int width, int height, String format) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int x = 0; x < width; x += 20) {
            g.setColor(new Color((x * 7) % 256, (x * 3) % 256, 180));
            g.fillRect(x, 0, 20, height);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A PNG that declares {@code width}×{@code height} in its IHDR and has no pixel data at all. */
    static byte[] pngHeader(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
