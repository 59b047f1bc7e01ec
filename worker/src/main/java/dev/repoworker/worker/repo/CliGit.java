package dev.repoworker.worker.repo;

import dev.repoworker.protocol.NumericHosts;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link Git} through the {@code git} executable: argument arrays only, a clean environment, no
 * credential helpers or prompts, and the token only in the environment as an
 * {@code http.extraHeader} (never in the URL or the arguments, which other processes can read).
 * Redirects are never followed ({@code http.followRedirects=false}), and the host's addresses checked
 * just before are pinned with {@code http.curloptResolve} (git 2.37 or later; older versions ignore it and
 * resolve the name again), so DNS cannot point git elsewhere between the check and the connection.
 *
 *
 * <p>The download runs without checkout under a {@link DiskWatch} ({@link RepoLimits#maxBytes()});
 * then {@code git ls-tree -r -l -z} counts the files and sums their sizes, and only a tree within
 * the limits is checked out. Submodules are never fetched.
 */
public final class CliGit implements Git {

    private static final List<String> INHERITED_ENV = List.of(
            "PATH",
            "HOME",
            "TMPDIR",
            "SYSTEMROOT",
            "SystemRoot",
            "COMSPEC",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "NO_PROXY",
            "http_proxy",
            "https_proxy",
            "no_proxy",
            "ALL_PROXY",
            "all_proxy",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
            "GIT_SSL_CAINFO",
            "GIT_SSL_CAPATH",
            "GIT_EXEC_PATH");

    private final String executable;
    private final boolean allowFileProtocol;
    private final RepoLimits limits;
    private final ConnectionCheck connectionCheck;

    /** With the default {@link RepoLimits} and no connection check: for URLs the Worker made itself, and tests. */
    public CliGit(boolean allowFileProtocol) {
        this("git", allowFileProtocol, RepoLimits.DEFAULTS, ConnectionCheck.NONE);
    }

    public CliGit(boolean allowFileProtocol, RepoLimits limits) {
        this("git", allowFileProtocol, limits, ConnectionCheck.NONE);
    }

    public CliGit(String executable, boolean allowFileProtocol) {
        this(executable, allowFileProtocol, RepoLimits.DEFAULTS, ConnectionCheck.NONE);
    }

    public CliGit(String executable, boolean allowFileProtocol, RepoLimits limits) {
        this(executable, allowFileProtocol, limits, ConnectionCheck.NONE);
    }

    public CliGit(String executable, boolean allowFileProtocol, ConnectionCheck connectionCheck) {
        this(executable, allowFileProtocol, RepoLimits.DEFAULTS, connectionCheck);
    }

    public CliGit(String executable, boolean allowFileProtocol, RepoLimits limits, ConnectionCheck connectionCheck) {
        this.executable = executable;
        this.allowFileProtocol = allowFileProtocol;
        this.limits = limits;
        this.connectionCheck = connectionCheck;
    }

    @Override
    public String name() {
        return "cli";
    }

    @Override
    public Cloned cloneRepo(CloneRequest request, Path directory, GitProgress progress)
            throws TaskFailedException, InterruptedException {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            return cloneWithinLimits(request, dir, progress);
        } catch (RepoTooLargeException e) {
            WorkingTree.deleteIfPresent(dir);
            throw e;
        }
    }

    private Cloned cloneWithinLimits(CloneRequest request, Path dir, GitProgress progress)
            throws TaskFailedException, InterruptedException {
        GitErrors.Scrubber scrubber = new GitErrors.Scrubber(request.token(), List.of(dir));
        Map<String, String> env = environment(request.token());
        List<String> pins = pins(request.url(), connectionCheck.addressesFor(request.url()));
        GitProcess.DiskLimit download = new GitProcess.DiskLimit(dir, limits.maxBytes());
        String checkoutTarget;
        if (request.commit().isPresent()) {
            fetchPinned(request, dir, env, pins, progress, download, scrubber);
            checkoutTarget = request.commit().orElseThrow();
        } else {
            expectOk(run(cloneCommand(request, dir, pins), env, progress, download), request, scrubber);
            checkoutTarget = "HEAD";
        }
        TreeTally tally = tally(dir, checkoutTarget, env);
        WorkingTree.checkOutCommittedBytes(dir);
        List<String> checkout = request.commit().isPresent()
                ? command(
                        dir,
                        "-c",
                        "advice.detachedHead=false",
                        "checkout",
                        "-q",
                        "--progress",
                        "--no-recurse-submodules",
                        "--detach",
                        checkoutTarget,
                        "--")
                : command(dir, "checkout", "-q", "--progress", "-f", "--no-recurse-submodules", checkoutTarget, "--");
        expectOk(run(checkout, env, null, progress), request, scrubber);
        GitProcess.Result head =
                run(command(dir, "rev-parse", "--verify", "HEAD^{commit}"), env, null, GitProgress.NONE);
        if (!head.ok()) {
            throw GitErrors.classify(head.stderr(), request.branch(), scrubber);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("clone stopped because the job was interrupted");
        }
        return new Cloned(head.stdout().trim(), request.branch(), tally.files(), tally.bytes());
    }

    /** Fetches the pinned commit (and the branch it must be on) into a new repository, without checkout. */
    private void fetchPinned(
            CloneRequest request,
            Path dir,
            Map<String, String> env,
            List<String> pins,
            GitProgress progress,
            GitProcess.DiskLimit download,
            GitErrors.Scrubber scrubber)
            throws TaskFailedException, InterruptedException {
        String sha = request.commit().orElseThrow();
        createDirectory(dir, scrubber);
        expectOk(
                run(global(null, "init", "-q", "--template=", "--", dir.toString()), env, null, progress),
                request,
                scrubber);
        expectOk(
                run(command(dir, "remote", "add", "origin", "--", request.url()), env, null, progress),
                request,
                scrubber);
        String ref = "refs/heads/" + request.branch();
        GitProcess.Result heads = run(command(dir, pins, "ls-remote", "--heads", "origin", ref), env, null, progress);
        expectOk(heads, request, scrubber);
        if (heads.stdout().lines().noneMatch(line -> line.endsWith("\t" + ref))) {
            throw GitErrors.branchNotFound(request.branch());
        }
        GitProcess.Result fetch = run(fetchCommitCommand(dir, sha, request.depth(), pins), env, progress, download);
        if (fetch.overLimit()) {
            throw limits.downloadTooLarge();
        }
        if (!fetch.ok()) {
            if (GitErrors.isAuthOrMissingRepo(fetch.stderr())) {
                throw GitErrors.classify(fetch.stderr(), request.branch(), scrubber);
            }
            // the server refused a want by sha (old protocol, no allow*SHA1InWant): fetch every branch
            GitProcess.Result all = run(
                    command(
                            dir,
                            pins,
                            "fetch",
                            "--progress",
                            "--no-tags",
                            "origin",
                            "+refs/heads/*:refs/remotes/origin/*"),
                    env,
                    progress,
                    download);
            expectOk(all, request, scrubber);
        }
        if (!run(command(dir, "cat-file", "-e", sha + "^{commit}"), env, null, GitProgress.NONE)
                .ok()) {
            throw GitErrors.commitNotFound(sha);
        }
    }

    /** Counts the files of {@code commit}'s tree and sums their sizes; throws when a limit is passed. */
    private TreeTally tally(Path dir, String commit, Map<String, String> env)
            throws TaskFailedException, InterruptedException {
        TreeTally tally = new TreeTally(limits);
        boolean[] unreadable = new boolean[1];
        GitProcess.Result listing;
        try {
            listing = GitProcess.stream(
                    command(dir, "ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--"), env, record -> {
                        Optional<TreeEntry> entry = TreeEntry.parse(record);
                        if (entry.isEmpty()) {
                            unreadable[0] = true;
                            return false;
                        }
                        return !entry.get().isFile()
                                || tally.add(
                                        entry.get().isSymlink(), entry.get().size());
                    });
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: could not run git");
        }
        tally.check();
        if (unreadable[0] || !listing.ok()) {
            throw new TaskFailedException("git clone failed: could not list the repository's files");
        }
        return tally;
    }

    /** One record of {@code git ls-tree -l -z}: {@code <mode> SP <type> SP <object> SP+ <size> TAB <path>}. */
    record TreeEntry(String mode, String type, long size) {
        boolean isFile() {
            return type.equals("blob");
        }

        boolean isSymlink() {
            return mode.equals("120000");
        }

        static Optional<TreeEntry> parse(String record) {
            int tab = record.indexOf('\t');
            String[] fields = (tab < 0 ? "" : record.substring(0, tab)).trim().split(" +");
            if (fields.length != 4) {
                return Optional.empty();
            }
            if (!fields[1].equals("blob")) {
                return Optional.of(new TreeEntry(fields[0], fields[1], 0)); // a submodule ("commit"): not a file
            }
            try {
                return Optional.of(new TreeEntry(fields[0], fields[1], Long.parseLong(fields[3])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** The clone command for an unpinned request (package-private so tests can check what is exposed). */
    List<String> cloneCommand(CloneRequest request, Path dir) {
        return cloneCommand(request, dir, List.of());
    }

    List<String> cloneCommand(CloneRequest request, Path dir, List<String> pins) {
        List<String> args = new ArrayList<>(List.of(
                "clone",
                "--progress",
                "--no-checkout",
                "--single-branch",
                "--no-recurse-submodules",
                "--branch=" + request.branch()));
        if (request.depth() > 0) {
            args.add("--depth=" + request.depth());
        }
        args.addAll(List.of("--", request.url(), dir.toString()));
        return global(null, pins, args.toArray(String[]::new));
    }

    List<String> fetchCommitCommand(Path dir, String sha, int depth) {
        return fetchCommitCommand(dir, sha, depth, List.of());
    }

    List<String> fetchCommitCommand(Path dir, String sha, int depth, List<String> pins) {
        List<String> args = new ArrayList<>(List.of("fetch", "--progress", "--no-tags"));
        if (depth > 0) {
            args.add("--depth=" + depth);
        }
        args.addAll(List.of("origin", sha));
        return command(dir, pins, args.toArray(String[]::new));
    }

    /**
     * {@code -c http.curloptResolve=host:port:addr[,addr…]}: git connects to the addresses just checked and
     * resolves nothing itself. None for an IP literal (nothing to resolve) or when nothing was checked.
     */
    static List<String> pins(String url, List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            return List.of();
        }
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (host == null || host.startsWith("[") || NumericHosts.isCanonicalIpv4(host)) {
            return List.of();
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
        String targets = addresses.stream()
                .map(a -> a instanceof Inet6Address
                        ? "[" + a.getHostAddress().replaceFirst("%.*$", "") + "]"
                        : a.getHostAddress())
                .collect(Collectors.joining(","));
        return List.of("-c", "http.curloptResolve=" + host + ":" + port + ":" + targets);
    }

    /**
     * The child environment: only a few inherited variables (PATH, HOME, proxies, CA bundles), an
     * isolated Git configuration, no prompts, and the token — if any — as an HTTP header.
     */
    Map<String, String> environment(Optional<String> token) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> parent = System.getenv();
        for (String name : INHERITED_ENV) {
            String value = parent.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("LC_ALL", "C");
        env.put("LANGUAGE", "C");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_ASKPASS", "");
        env.put("SSH_ASKPASS", "");
        env.put("GCM_INTERACTIVE", "never");
        if (token.isPresent()) {
            env.put("GIT_CONFIG_COUNT", "1");
            env.put("GIT_CONFIG_KEY_0", "http.extraHeader");
            env.put("GIT_CONFIG_VALUE_0", "Authorization: Basic " + GitErrors.basic(token.get()));
        } else {
            env.put("GIT_CONFIG_COUNT", "0");
        }
        return env;
    }

    private List<String> command(Path dir, String... args) {
        return global(dir, List.of(), args);
    }

    private List<String> command(Path dir, List<String> pins, String... args) {
        return global(dir, pins, args);
    }

    private List<String> global(Path dir, String... args) {
        return global(dir, List.of(), args);
    }

    private List<String> global(Path dir, List<String> pins, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        if (dir != null) {
            command.add("-C");
            command.add(dir.toString());
        }
        command.addAll(List.of(
                "-c", "credential.helper=",
                "-c", "core.askPass=",
                "-c", "protocol.file.allow=" + (allowFileProtocol ? "always" : "never"),
                "-c", "protocol.ext.allow=never",
                "-c", "submodule.recurse=false",
                "-c", "fetch.recurseSubmodules=false",
                "-c", "gc.auto=0",
                "-c", "maintenance.auto=false",
                "-c", "core.hooksPath=/dev/null",
                "-c", "http.followRedirects=false"));
        command.addAll(pins);
        command.addAll(List.of(args));
        return command;
    }

    private static GitProcess.Result run(List<String> command, Map<String, String> env, Path cwd, GitProgress progress)
            throws TaskFailedException, InterruptedException {
        try {
            return GitProcess.run(command, env, cwd, progress);
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: could not run git");
        }
    }

    private static GitProcess.Result run(
            List<String> command, Map<String, String> env, GitProgress progress, GitProcess.DiskLimit limit)
            throws TaskFailedException, InterruptedException {
        try {
            return GitProcess.run(command, env, progress, limit);
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: could not run git");
        }
    }

    private void expectOk(GitProcess.Result result, CloneRequest request, GitErrors.Scrubber scrubber)
            throws TaskFailedException {
        if (result.overLimit()) {
            throw limits.downloadTooLarge();
        }
        if (!result.ok()) {
            throw GitErrors.classify(result.stderr(), request.branch(), scrubber);
        }
    }

    private static void createDirectory(Path dir, GitErrors.Scrubber scrubber) throws TaskFailedException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: " + scrubber.scrub(String.valueOf(e.getMessage())));
        }
    }
}
