package dev.repoworker.api;

import java.util.Map;

/**
 * What a deploy asks for: a commit (null for the branch head) of a branch (null for the project's branch). Read
 * from the body of {@code POST /api/projects/{id}/deploy}, or made from a pushed commit.
 */
record DeployRequest(String commit, String branch) {

    private static final int MAX_COMMIT = 64;
    private static final int MAX_BRANCH = 200;

    /** The body's fields, checked; a complaint is a 400 naming its field. */
    static DeployRequest read(Map<String, Object> body) {
        String commit = Requests.textField(body, "commit", MAX_COMMIT);
        String branch = Requests.textField(body, "branch", MAX_BRANCH);
        for (String field : body.keySet()) {
            if (!field.equals("commit") && !field.equals("branch")) {
                throw ApiException.badRequest(
                        field, "a deploy takes only commit and branch; " + field + " is not one of them");
            }
        }
        return new DeployRequest(commit, branch);
    }
}
