package dev.repoworker.worker.repo;

import dev.repoworker.testkit.TestRepos;
import java.nio.file.Path;

/**
 * A repository of notes whose three submodules point at another repository — by {@code file:} URL, by
 * the local smart HTTP server, and by a relative URL — and whose server-side configuration asks for
 * submodule recursion and the file protocol. The notes link and embed into the submodules.
 */
public final class HostileSubmodules {

    private HostileSubmodules() {}

    /** Creates it under {@code dir}; returns its bare copy {@code served/hostile.git} (next to the other repository). */
    public static Path create(Path dir, Path served, String otherHead, String otherFileUrl, String otherHttpUrl) {
        TestRepos.Repo repo = TestRepos.init(dir);
        repo.write("index.md", "# Index\n\nSee ![[secret]], [[vendor/secret]] and [the file](vendor/secret.md).\n");
        repo.write(".gitmodules", """
                [submodule "vendor"]
                \tpath = vendor
                \turl = %s
                \tfetchRecurseSubmodules = true
                [submodule "remote"]
                \tpath = remote
                \turl = %s
                [submodule "relative"]
                \tpath = relative
                \turl = ../secret.git
                """.formatted(otherFileUrl, otherHttpUrl));
        repo.git("add", "--", "index.md", ".gitmodules");
        for (String path : new String[] {"vendor", "remote", "relative"}) {
            repo.git("update-index", "--add", "--cacheinfo", "160000," + otherHead + "," + path);
        }
        repo.git("commit", "-q", "-m", "notes with submodules");
        Path bare = repo.bareCopy(served, "hostile.git");
        TestRepos.git(bare, "config", "submodule.recurse", "true");
        TestRepos.git(bare, "config", "fetch.recurseSubmodules", "true");
        TestRepos.git(bare, "config", "protocol.file.allow", "always");
        return bare;
    }
}
