#!/usr/bin/env bash
# LEGACY_JOB_COMMAND wrapper: runs the job as a Kubernetes Job (the container runs `repo-worker job`).
#
#   LEGACY_JOB_COMMAND=/opt/repo-worker/examples/legacy/kubernetes-job.sh
#   [K8S_NAMESPACE=repo-worker]  [K8S_JOB_TEMPLATE=/path/to/kubernetes-job.yaml]  [K8S_JOB_TIMEOUT=2h]
#
# The API starts this script with JOB_ID, TASK, DATA, CALLBACK_URL and ATTEMPT. They go into a Secret named after
# the run (from a file, so DATA and its tokens never appear on a command line), then `kubectl create` makes the Job
# from K8S_JOB_TEMPLATE (default: kubernetes-job.yaml beside this script) and `kubectl wait` waits for it.
#
# What the API expects of this process, and what it does:
#   - it runs until the Job has completed or failed, so the job has called back by the time it exits;
#   - exit 0 when the Job completed, 1 when it failed or did not finish within K8S_JOB_TIMEOUT (the job's own
#     failure callback says why; if it sent none, the API fails the attempt with the last line printed here),
#     2 when it is misconfigured;
#   - SIGTERM (the API cancelling the job) deletes the Job and its pod (`kubectl delete job`), exit 143.
set -uo pipefail

fail() { echo "kubernetes-job: $*" >&2; exit 2; }
for name in JOB_ID TASK DATA CALLBACK_URL; do
  [ -n "${!name:-}" ] || fail "$name is not set (this script is started by the API as LEGACY_JOB_COMMAND)"
done
template="${K8S_JOB_TEMPLATE:-$(dirname "${BASH_SOURCE[0]}")/kubernetes-job.yaml}"
[ -r "$template" ] || fail "cannot read the Job template $template (K8S_JOB_TEMPLATE)"
command -v kubectl >/dev/null || fail "kubectl is not on PATH"
timeout="${K8S_JOB_TIMEOUT:-2h}"
ns=()
[ -n "${K8S_NAMESPACE:-}" ] && ns=(--namespace "$K8S_NAMESPACE")

# A DNS-1123 name, one per attempt: repo-worker-<job id, lower case, other characters as '-'>-a<attempt>
id="$(printf '%s' "$JOB_ID" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9-' '-' | cut -c1-40 | sed 's/-*$//')"
name="repo-worker-${id}-a${ATTEMPT:-1}"

work="$(mktemp -d)" || fail "cannot create a temporary folder"
cleanup() {
  kubectl delete secret "$name" "${ns[@]}" --ignore-not-found >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
(umask 077 && printf 'JOB_ID=%s\nTASK=%s\nDATA=%s\nCALLBACK_URL=%s\nATTEMPT=%s\n' \
  "$JOB_ID" "$TASK" "$DATA" "$CALLBACK_URL" "${ATTEMPT:-1}" > "$work/run.env") || fail "cannot write $work/run.env"

waiters=()
on_term() {
  trap '' TERM INT  # a second signal must not cut the cancellation short
  [ ${#waiters[@]} -gt 0 ] && kill "${waiters[@]}" 2>/dev/null
  echo "kubernetes-job: job $JOB_ID cancelled: deleting Kubernetes Job $name" >&2
  kubectl delete job "$name" "${ns[@]}" --ignore-not-found --cascade=foreground --wait=false
  exit 143
}
trap on_term TERM INT

kubectl create secret generic "$name" "${ns[@]}" --from-env-file="$work/run.env" >/dev/null \
  || { echo "kubernetes-job: cannot create Secret $name"; exit 1; }
sed "s/__NAME__/$name/g" "$template" | kubectl create "${ns[@]}" -f - \
  || { echo "kubernetes-job: cannot create Job $name"; exit 1; }

# kubectl wait takes one condition: wait for both, take the first that is met.
kubectl wait "${ns[@]}" --for=condition=complete "job/$name" --timeout="$timeout" >/dev/null &
complete=$!
kubectl wait "${ns[@]}" --for=condition=failed "job/$name" --timeout="$timeout" >/dev/null &
failed=$!
waiters=("$complete" "$failed")
wait -n -p finished "$complete" "$failed"
code=$?
if [ "$code" -gt 128 ]; then
  # a waiter was stopped by a signal (the API stops this script's children with it): the Job still runs
  on_term
fi
kill "${waiters[@]}" 2>/dev/null
if [ "$code" -eq 0 ] && [ "$finished" = "$complete" ]; then
  exit 0
fi
if [ "$code" -eq 0 ]; then
  echo "kubernetes-job: Kubernetes Job $name for job $JOB_ID failed"
else
  echo "kubernetes-job: Kubernetes Job $name for job $JOB_ID did not finish within $timeout (kubectl wait exit $code)"
fi
exit 1
