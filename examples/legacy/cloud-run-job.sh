#!/usr/bin/env bash
# LEGACY_JOB_COMMAND wrapper: runs the job as an execution of a Cloud Run Job (the container runs `repo-worker job`).
#
#   LEGACY_JOB_COMMAND=/opt/repo-worker/examples/legacy/cloud-run-job.sh
#   CLOUD_RUN_JOB=repo-worker-job  CLOUD_RUN_REGION=us-central1  [CLOUD_RUN_PROJECT=my-project]
#
# The API starts this script with JOB_ID, TASK, DATA, CALLBACK_URL and ATTEMPT; they become the execution's
# environment overrides (`gcloud run jobs execute --wait --update-env-vars`), given in a flags file so that DATA and
# its tokens never appear on a command line. WORKER_SECRET is not forwarded: give the Cloud Run Job the same secret
# from Secret Manager (`gcloud run jobs update repo-worker-job --set-secrets WORKER_SECRET=worker-secret:latest`).
#
# What the API expects of this process, and what it does:
#   - it runs until the execution has finished, so the job has called back by the time it exits;
#   - exit 0 when the execution succeeded, 1 when it failed (the job's own failure callback says why; if it sent
#     none, the API fails the attempt with the last line printed here), 2 when it is misconfigured;
#   - SIGTERM (the API cancelling the job) cancels the execution (`gcloud run jobs executions cancel`), exit 143.
set -uo pipefail

fail() { echo "cloud-run-job: $*" >&2; exit 2; }
[ -n "${CLOUD_RUN_JOB:-}" ] || fail "CLOUD_RUN_JOB is not set (the Cloud Run Job that runs repo-worker job)"
for name in JOB_ID TASK DATA CALLBACK_URL; do
  [ -n "${!name:-}" ] || fail "$name is not set (this script is started by the API as LEGACY_JOB_COMMAND)"
done
command -v gcloud >/dev/null || fail "gcloud is not on PATH"
command -v jq >/dev/null || fail "jq is not on PATH"

where=()
[ -n "${CLOUD_RUN_REGION:-}" ] && where+=(--region "$CLOUD_RUN_REGION")
[ -n "${CLOUD_RUN_PROJECT:-}" ] && where+=(--project "$CLOUD_RUN_PROJECT")

work="$(mktemp -d)" || fail "cannot create a temporary folder"
trap 'rm -rf "$work"' EXIT
flags="$work/flags.json"
(umask 077 && jq -n '{"--update-env-vars": {JOB_ID: env.JOB_ID, TASK: env.TASK, DATA: env.DATA,
    CALLBACK_URL: env.CALLBACK_URL, ATTEMPT: (env.ATTEMPT // "1")}}' > "$flags") || fail "cannot write $flags"

# The execution that carries this JOB_ID (gcloud prints an execution's name only when --wait returns).
cancel_execution() {
  local execution
  execution="$(gcloud run jobs executions list --job "$CLOUD_RUN_JOB" "${where[@]}" --format=json \
    | jq -r --arg id "$JOB_ID" 'map(select(any(.spec.template.spec.containers[]?.env[]?;
        .name == "JOB_ID" and .value == $id))) | .[0].metadata.name // empty')"
  if [ -n "$execution" ]; then
    echo "cloud-run-job: job $JOB_ID cancelled: cancelling execution $execution" >&2
    gcloud run jobs executions cancel "$execution" "${where[@]}" --quiet --async
  else
    echo "cloud-run-job: job $JOB_ID cancelled: no execution of $CLOUD_RUN_JOB carries it" >&2
  fi
}

gcloud_pid=
on_term() {
  trap '' TERM INT  # a second signal must not cut the cancellation short
  [ -n "$gcloud_pid" ] && kill "$gcloud_pid" 2>/dev/null
  cancel_execution
  exit 143
}
trap on_term TERM INT

gcloud run jobs execute "$CLOUD_RUN_JOB" "${where[@]}" --wait --flags-file "$flags" &
gcloud_pid=$!
wait "$gcloud_pid"
code=$?
if [ "$code" -gt 128 ]; then
  # gcloud was stopped by a signal (the API stops this script's children with it): the execution still runs
  on_term
fi
if [ "$code" -ne 0 ]; then
  echo "cloud-run-job: the execution of $CLOUD_RUN_JOB for job $JOB_ID failed (gcloud exit $code)"
  exit 1
fi
exit 0
