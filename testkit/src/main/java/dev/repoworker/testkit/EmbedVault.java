package dev.repoworker.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A vault of every kind of Obsidian embed, written at test time: audio, video and PDF files (small, real where the
 * format is simple: a WAV of silence and a one-page PDF) embedded with both syntaxes and missing ones; YouTube, X and
 * other web pages; a note's own sections and blocks embedded in it (one section that embeds itself); and wiki links
 * whose display text holds Markdown.
 */
public final class EmbedVault {

    public static final String MEDIA = """
            # Media

            ![[Recording.ogg]]

            ![[talk.mp3]]

            ![[clip.mp4]]

            ![[paper.pdf#page=3]]

            ![[paper.pdf#height=400]]

            ![Beep](sounds/beep.wav)

            ![Paper](paper.pdf#page=2)

            A [link to the talk](talk.mp3) and [[paper.pdf]].

            ![[gone.mp3]]

            ![[gone.mp4]]

            ![[gone.pdf]]

            ![lost sound](lost.wav)

            ![lost video](lost.webm)

            ![lost paper](lost.pdf)
            """;

    public static final String WEB = """
            # Web

            ![Talk](https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90)

            ![](https://youtu.be/dQw4w9WgXcQ?t=1m30s)

            ![](https://www.youtube.com/shorts/abcDEF_-123)

            ![](https://m.youtube.com/watch?start=15&v=abcDEF_-123)

            ![Bad id](https://www.youtube.com/watch?v=short)

            ![A post](https://twitter.com/someone/status/1234567890)

            ![](https://x.com/other_one/status/42?s=20)

            ![A page](https://example.com/article)

            ![A picture](https://example.com/picture.PNG?size=large)

            ![Lookalike](https://www.youtube-nocookie.com.evil.example/embed/dQw4w9WgXcQ)

            ![Query](https://evil.example/?https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ)
            """;

    public static final String SECTIONS = """
            # Sections

            ![[#Details]]

            ![[Sections#^para]]

            ![[Other]]

            ## Details

            Detail text.

            A kept paragraph. ^para

            ## Loop

            Loop text.

            ![[#Loop]]

            ## After

            After text.
            """;

    public static final String OTHER = """
            # Other

            ![[Sections#Details]]
            """;

    public static final String LINKS = """
            # Links

            See [[Functions#hasTag|`hasTag`]] and [[Functions|**strong** *em* ~~gone~~]].

            Not markup: [[Functions|<b>bold</b> <script>x()</script> `ok`]].

            Plain [[Functions|plain words]].
            """;

    public static final String FUNCTIONS = """
            # Functions

            ## hasTag

            Checks a tag.
            """;

    private EmbedVault() {}

    public static Map<String, String> notes() {
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("Media.md", MEDIA);
        notes.put("Web.md", WEB);
        notes.put("Sections.md", SECTIONS);
        notes.put("Other.md", OTHER);
        notes.put("Links.md", LINKS);
        notes.put("Functions.md", FUNCTIONS);
        return notes;
    }

    /** Media path → bytes. */
    public static Map<String, byte[]> media() {
        Map<String, byte[]> media = new LinkedHashMap<>();
        media.put(
                "Recording.ogg",
                "OggS not really an Ogg stream: media are copied, never decoded".getBytes(StandardCharsets.US_ASCII));
        media.put("audio/talk.mp3", "ID3 an mp3 in name only".getBytes(StandardCharsets.US_ASCII));
        media.put("video/clip.mp4", "....ftypisom an mp4 in name only".getBytes(StandardCharsets.US_ASCII));
        media.put("sounds/beep.wav", silentWav(800));
        media.put("paper.pdf", onePagePdf().getBytes(StandardCharsets.US_ASCII));
        return media;
    }

    /** Writes the notes and media into {@code dir}; returns it. */
    public static Path write(Path dir) throws IOException {
        for (Map.Entry<String, String> note : notes().entrySet()) {
            Files.createDirectories(dir.resolve(note.getKey()).getParent());
            Files.writeString(dir.resolve(note.getKey()), note.getValue(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, byte[]> file : media().entrySet()) {
            Files.createDirectories(dir.resolve(file.getKey()).getParent());
            Files.write(dir.resolve(file.getKey()), file.getValue());
        }
        return dir;
    }

    /** The 1-based line of the first occurrence of {@code needle} in {@code text}. */
    public static int lineOf(String text, String needle) {
        int at = text.indexOf(needle);
        if (at < 0) {
            throw new IllegalArgumentException(needle + " is not in the text");
        }
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    /** A mono 8 kHz 16-bit PCM WAV of {@code samples} samples of silence. */
    static byte[] silentWav(int samples) {
        int data = samples * 2;
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII))
                .putInt(36 + data)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        header.put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(16000)
                .putShort((short) 2)
                .putShort((short) 16);
        header.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(new byte[data]);
        return out.toByteArray();
    }

    /** A valid one-page PDF (cross-reference offsets computed). */
    static String onePagePdf() {
        String[] objects = {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
        };
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        int[] offsets = new int[objects.length];
        for (int i = 0; i < objects.length; i++) {
            offsets[i] = pdf.length();
            pdf.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
        for (int offset : offsets) {
            pdf.append(String.format("%010d 00000 n \n", offset));
        }
        pdf.append("trailer\n<< /Size ")
                .append(objects.length + 1)
                .append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref)
                .append("\n%%EOF\n");
        return pdf.toString();
    }
}
