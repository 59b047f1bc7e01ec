package dev.repoworker.worker.assets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * SVG files are published as they are, and an SVG opened on its own is a document that can run script. Before one is
 * copied, it is read (streaming, no DTD, no external entities: an XXE or entity bomb is a parse error) and refused
 * when it holds active content: script or foreign elements, event handlers, {@code javascript:}/{@code vbscript:}
 * URLs anywhere, {@code data:} URLs other than raster images, style with {@code @import} or {@code expression()},
 * animations that rewrite links.
 */
final class SvgCheck {

    private static final Set<String> ACTIVE_ELEMENTS = Set.of(
            "script",
            "foreignobject",
            "iframe",
            "embed",
            "object",
            "applet",
            "frame",
            "frameset",
            "handler",
            "listener",
            "base",
            "meta",
            "link");
    private static final Set<String> ANIMATIONS =
            Set.of("set", "animate", "animatemotion", "animatetransform", "animatecolor");
    private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "formaction", "data");
    private static final Pattern INVISIBLE = Pattern.compile("[\\s\\p{Cntrl}\\u00a0\\u200b-\\u200d\\ufeff]+");
    private static final Pattern SCRIPT_URL = Pattern.compile("(javascript|vbscript|livescript):");
    private static final Pattern RASTER_DATA = Pattern.compile("data:image/(png|jpe?g|gif|webp)[;,].*");
    private static final Pattern ACTIVE_STYLE = Pattern.compile("@import|expression\\(|-moz-binding|behavior:");

    private SvgCheck() {}

    /** Why the SVG may not be published, or empty when it holds no active content. */
    static Optional<String> activeContent(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader xml = factory().createXMLStreamReader(in);
            try {
                return scan(xml);
            } finally {
                xml.close();
            }
        } catch (XMLStreamException e) {
            return Optional.of("not well-formed XML without a DTD (" + lastLine(e.getMessage()) + ")");
        }
    }

    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    private static Optional<String> scan(XMLStreamReader xml) throws XMLStreamException {
        boolean inStyle = false;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String element = xml.getLocalName().toLowerCase(Locale.ROOT);
                if (ACTIVE_ELEMENTS.contains(element)) {
                    return Optional.of("a <" + xml.getLocalName() + "> element");
                }
                for (int i = 0; i < xml.getAttributeCount(); i++) {
                    Optional<String> problem = attribute(
                            element, xml.getAttributeLocalName(i).toLowerCase(Locale.ROOT), xml.getAttributeValue(i));
                    if (problem.isPresent()) {
                        return problem;
                    }
                }
                inStyle = element.equals("style");
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                inStyle = false;
            } else if (inStyle && (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)) {
                if (activeStyle(xml.getText())) {
                    return Optional.of("style that imports or runs code");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> attribute(String element, String name, String value) {
        String compact = INVISIBLE.matcher(value).replaceAll("").toLowerCase(Locale.ROOT);
        if (name.startsWith("on")) {
            return Optional.of("an event handler (" + name + ")");
        }
        if (SCRIPT_URL.matcher(compact).find()) {
            return Optional.of("a script URL in " + name);
        }
        if (URL_ATTRIBUTES.contains(name)
                && compact.startsWith("data:")
                && !RASTER_DATA.matcher(compact).matches()) {
            return Optional.of("a data: URL in " + name + " that is not a raster image");
        }
        if (name.equals("style") && activeStyle(value)) {
            return Optional.of("style that imports or runs code");
        }
        if (ANIMATIONS.contains(element)
                && name.equals("attributename")
                && (compact.endsWith("href") || compact.startsWith("on"))) {
            return Optional.of("an animation of " + value);
        }
        return Optional.empty();
    }

    private static boolean activeStyle(String css) {
        String compact = INVISIBLE.matcher(css).replaceAll("").toLowerCase(Locale.ROOT);
        return ACTIVE_STYLE.matcher(compact).find()
                || SCRIPT_URL.matcher(compact).find();
    }

    private static String lastLine(String message) {
        String m = message == null ? "" : message.lines().reduce((a, b) -> b).orElse("");
        return Frontmatter.truncate(m.strip(), 120);
    }
}
