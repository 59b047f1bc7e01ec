package dev.repoworker.worker.assets;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Notes are UTF-8: invalid bytes become U+FFFD and the first one is reported with its line. */
final class Utf8 {

    private Utf8() {}

    static String decode(byte[] bytes, String path, Issues issues) {
        try {
            return strict().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int at = firstInvalid(bytes);
            issues.add(
                    Issue.INVALID_UTF8,
                    path,
                    lineAt(bytes, at),
                    "is not valid UTF-8 (first bad byte at offset " + at + "); invalid bytes shown as \uFFFD");
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Offset of the first byte that does not start or continue a valid UTF-8 sequence (the bytes hold one). */
    private static int firstInvalid(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharsetDecoder decoder = strict();
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                return bytes.length;
            }
            out.clear();
        }
    }

    private static CharsetDecoder strict() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
