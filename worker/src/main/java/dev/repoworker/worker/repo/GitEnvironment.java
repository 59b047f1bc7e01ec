package dev.repoworker.worker.repo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment of a {@link CliGit} child: only a few inherited variables (PATH, HOME, proxies, CA
 * bundles), an isolated Git configuration, no prompts, and the token — if any — as an
 * {@code http.extraHeader} (never in the URL or the arguments, which other processes can read).
 */
final class GitEnvironment {

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

    private GitEnvironment() {}

    static Map<String, String> of(Optional<String> token) {
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
}
