package dev.repoworker.testkit;

import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small vault as {@code build-assets} would write it: {@code posts.json}, an array of posts with
 * {@code slug, title, url, html, plain, excerpt, toc, tags, hash}. Four topics (cooking, Kubernetes,
 * gardening, personal finance) of three notes each, so semantic neighbours are known in advance.
 */
public final class TestVault {

    /** One note: its sections are {@code [heading, paragraph]} pairs. */
    public record Note(String slug, String title, List<String> tags, List<String[]> sections) {}

    private TestVault() {}

    public static List<Note> notes() {
        List<Note> notes = new ArrayList<>();
        notes.add(note(
                "sourdough-bread",
                "Baking sourdough bread",
                "cooking",
                "Starter",
                "Feed the sourdough starter with flour and water the evening before baking so it is bubbly and active.",
                "Dough",
                "Mix flour, water, salt and starter into a shaggy dough, then stretch and fold it every half hour while it rises.",
                "Baking",
                "Bake the loaf in a preheated Dutch oven at 250 degrees for a crisp crust and an open crumb."));
        notes.add(
                note(
                        "tomato-pasta-sauce",
                        "A simple tomato pasta sauce",
                        "cooking",
                        "Ingredients",
                        "Use ripe tomatoes, olive oil, garlic, basil and a pinch of salt; canned San Marzano tomatoes work too.",
                        "Cooking",
                        "Soften the garlic in olive oil, add the crushed tomatoes and simmer the sauce for twenty minutes before tossing it with spaghetti."));
        notes.add(
                note(
                        "roasting-vegetables",
                        "Roasting vegetables in the oven",
                        "cooking",
                        "Preparation",
                        "Cut carrots, potatoes and onions into even pieces and coat them with oil, salt and pepper.",
                        "In the oven",
                        "Roast the vegetables on a hot tray for forty minutes, turning them once, until caramelised at the edges."));
        notes.add(
                note(
                        "kubernetes-crashloop",
                        "Debugging a CrashLoopBackOff",
                        "kubernetes",
                        "Symptoms",
                        "The pod restarts again and again and kubectl get pods shows CrashLoopBackOff for the container.",
                        "Diagnosis",
                        "Read the previous container logs with kubectl logs --previous and describe the pod to see the exit code and events.",
                        "Fixes",
                        "Fix the failing command, the missing config map or the liveness probe that kills the container too early."));
        notes.add(
                note(
                        "kubernetes-helm",
                        "Deploying an application with Helm",
                        "kubernetes",
                        "Charts",
                        "A Helm chart packages the Kubernetes manifests of a service: deployment, service, ingress and config.",
                        "Releases",
                        "helm upgrade --install rolls out a new release to the cluster, and helm rollback returns to the previous one."));
        notes.add(
                note(
                        "kubernetes-scheduling",
                        "How the Kubernetes scheduler places pods",
                        "kubernetes",
                        "Requests",
                        "The scheduler places each pod on a node with enough free CPU and memory for its resource requests.",
                        "Affinity",
                        "Node affinity, taints and tolerations steer pods towards or away from particular nodes of the cluster."));
        notes.add(
                note(
                        "composting",
                        "Composting at home",
                        "gardening",
                        "Materials",
                        "Mix green kitchen scraps such as vegetable peelings and coffee grounds with brown leaves and cardboard.",
                        "Turning",
                        "Turn the compost heap every few weeks to add air; in a few months it becomes dark crumbly soil for the garden."));
        notes.add(
                note(
                        "growing-tomatoes",
                        "Growing tomatoes in the garden",
                        "gardening",
                        "Planting",
                        "Plant tomato seedlings in a sunny bed after the last frost, deep enough to bury part of the stem.",
                        "Care",
                        "Water the plants at the base, tie them to stakes and pinch out the side shoots for a better harvest."));
        notes.add(
                note(
                        "pruning-roses",
                        "Pruning roses",
                        "gardening",
                        "When",
                        "Prune rose bushes in late winter, just as the buds begin to swell.",
                        "How",
                        "Cut out dead and crossing canes with clean shears, just above an outward facing bud, to open up the shrub."));
        notes.add(
                note(
                        "monthly-budget",
                        "Making a monthly budget",
                        "finance",
                        "Income and expenses",
                        "List your monthly income, then your fixed expenses such as rent and bills, and your variable spending.",
                        "Saving",
                        "Pay yourself first: move a fixed share of every salary into a savings account before spending the rest."));
        notes.add(note(
                "index-funds",
                "Investing in index funds",
                "finance",
                "Why",
                "Index funds track the whole stock market at a low fee, so your retirement savings grow with the economy.",
                "How",
                "Invest a fixed amount every month and hold for decades instead of trying to time the market."));
        notes.add(note(
                "emergency-fund",
                "Building an emergency fund",
                "finance",
                "How much",
                "Keep three to six months of living expenses in cash for job loss, repairs or medical bills.",
                "Where",
                "A separate high interest savings account keeps the money safe but out of daily reach."));
        return notes;
    }

    private static Note note(String slug, String title, String tag, String... headingsAndParagraphs) {
        List<String[]> sections = new ArrayList<>();
        for (int i = 0; i < headingsAndParagraphs.length; i += 2) {
            sections.add(new String[] {headingsAndParagraphs[i], headingsAndParagraphs[i + 1]});
        }
        return new Note(slug, title, List.of(tag), sections);
    }

    /** The post {@code build-assets} would write for a note. */
    public static Map<String, Object> post(Note note) {
        StringBuilder html = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        List<Map<String, Object>> toc = new ArrayList<>();
        for (String[] section : note.sections()) {
            String anchor = section[0].toLowerCase().replaceAll("[^a-z0-9]+", "-");
            html.append("<h2 id=\"")
                    .append(anchor)
                    .append("\">")
                    .append(section[0])
                    .append("</h2>\n<p>")
                    .append(section[1])
                    .append("</p>\n");
            plain.append(section[0]).append("\n\n").append(section[1]).append("\n\n");
            toc.add(Map.of("level", 2, "text", section[0], "anchor", anchor));
        }
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("slug", note.slug());
        post.put("title", note.title());
        post.put("url", "/" + note.slug() + "/");
        post.put("html", html.toString());
        post.put("plain", plain.toString().strip());
        post.put("excerpt", note.sections().get(0)[1]);
        post.put("toc", toc);
        post.put("tags", note.tags());
        post.put("hash", Integer.toHexString(html.toString().hashCode()));
        return post;
    }

    /** Writes {@code dir/posts.json} for these notes; returns the file. */
    public static Path write(Path dir, List<Note> notes) throws IOException {
        return writePosts(dir, notes.stream().map(TestVault::post).toList());
    }

    public static Path writePosts(Path dir, List<Map<String, Object>> posts) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve("posts.json"), Json.writeBytes(posts));
    }

    /** A note of about {@code words} words, one heading every ~600 words, each paragraph numbered so offsets can be checked. */
    public static Map<String, Object> longPost(String slug, int words) {
        String[] vocabulary = {
            "garden",
            "river",
            "compiler",
            "bread",
            "mountain",
            "network",
            "lantern",
            "harvest",
            "library",
            "engine",
            "meadow",
            "signal",
            "orchard",
            "protocol",
            "window",
            "thunder"
        };
        StringBuilder html = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        int written = 0;
        int section = 0;
        while (written < words) {
            section++;
            html.append("<h2 id=\"part-")
                    .append(section)
                    .append("\">Part ")
                    .append(section)
                    .append("</h2>\n");
            for (int paragraph = 0; paragraph < 5 && written < words; paragraph++) {
                StringBuilder p = new StringBuilder();
                for (int w = 0; w < 120 && written < words; w++, written++) {
                    p.append(w == 0 ? "" : " ").append(vocabulary[(written * 7 + section) % vocabulary.length]);
                    if (w % 15 == 14) {
                        p.append('.');
                    }
                }
                html.append("<p>").append(p).append(".</p>\n");
                plain.append(p).append(".\n\n");
            }
        }
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("slug", slug);
        post.put("title", "A very long note");
        post.put("url", "/" + slug + "/");
        post.put("html", html.toString());
        post.put("plain", plain.toString().strip());
        return post;
    }
}
