#!/usr/bin/env bash
# Shared by the gcloud and kubectl stand-ins: starts `repo-worker job` in its own session, outside the caller's
# process tree (as a remote execution would be), with the run's variables from $1/run.env (one NAME=VALUE per
# line) over the inherited environment. Writes $1/pid (the job's JVM) and, when it ends, $1/exit.
# Usage: run-detached.sh DIR; prints the pid of the supervising shell, which ends after $1/exit is written.
set -euo pipefail
dir="$1"
mkfifo "$dir/started"
setsid -f bash -c '
  dir="$1"
  unset JOB_ID TASK DATA CALLBACK_URL ATTEMPT
  while IFS= read -r line; do [ -n "$line" ] && export "$line"; done < "$dir/run.env"
  "$STANDIN_REPO_WORKER" job > "$dir/log" 2>&1 &
  job=$!
  echo "$job" > "$dir/pid"
  echo "$$" > "$dir/started"
  wait "$job"
  echo $? > "$dir/exit"
' _ "$dir" < /dev/null > /dev/null 2>&1
cat "$dir/started"
