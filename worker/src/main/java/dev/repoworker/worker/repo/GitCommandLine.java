package dev.repoworker.worker.repo;

import dev.repoworker.protocol.NumericHosts;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The argument arrays of {@link CliGit}: every command starts with {@code -c} settings that turn off credential
 * helpers, prompts, hooks, submodules, redirects and (unless allowed) the file protocol, then the
 * {@linkplain #pins pinned addresses}, then its own arguments.
 */
final class GitCommandLine {

    private final String executable;
    private final boolean allowFileProtocol;

    GitCommandLine(String executable, boolean allowFileProtocol) {
        this.executable = executable;
        this.allowFileProtocol = allowFileProtocol;
    }

    /** The clone command for an unpinned request (tests check what it exposes). */
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

    /** A command run inside the repository at {@code dir}. */
    List<String> command(Path dir, String... args) {
        return global(dir, List.of(), args);
    }

    List<String> command(Path dir, List<String> pins, String... args) {
        return global(dir, pins, args);
    }

    /** A command run outside any repository ({@code init}). */
    List<String> global(String... args) {
        return global(null, List.of(), args);
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
}
