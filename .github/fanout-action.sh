#!/usr/bin/env bash
# The run step of action.yml: runs one Fanout command from the action's inputs (passed as
# environment variables, never pasted into the script, so an input cannot inject shell) and
# writes what it did to the job's step summary and outputs.
set -uo pipefail
: "${GITHUB_STEP_SUMMARY:=/dev/null}" "${GITHUB_OUTPUT:=/dev/null}" "${RUNNER_TEMP:=${TMPDIR:-/tmp}}"
read -r -a extra <<< "${FANOUT_ARGS:-}"
report="$RUNNER_TEMP/fanout-report.md"
out="$RUNNER_TEMP/fanout-output.txt"
case "${FANOUT_COMMAND:-plan}" in
  plan)
    fanout plan "${FANOUT_PATH:-.}" --no-color --out "$RUNNER_TEMP/fanout.plan" "${extra[@]}" | tee "$out"
    code=${PIPESTATUS[0]}
    { echo "## fanout plan"; echo; echo '```'; cat "$out"; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
    echo "plan=$RUNNER_TEMP/fanout.plan" >> "$GITHUB_OUTPUT"
    ;;
  apply)
    if [ -n "${FANOUT_PLAN:-}" ]; then
      fanout apply "$FANOUT_PLAN" --no-color --auto-approve --report "$report" "${extra[@]}"
    else
      fanout apply "${FANOUT_PATH:-.}" --no-color --auto-approve --report "$report" "${extra[@]}"
    fi
    code=$?
    ;;
  build)
    fanout build "${FANOUT_PATH:-.}" --no-color "${extra[@]}"
    code=$?
    ;;
  drift)
    fanout drift "${FANOUT_PATH:-.}" --no-color --report "$report" "${extra[@]}"
    code=$?
    [ -f "$report" ] && cat "$report" >> "$GITHUB_STEP_SUMMARY"
    ;;
  *)
    echo "::error::command must be plan, build, apply or drift, not '${FANOUT_COMMAND}'"
    code=1
    ;;
esac
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
[ -f "$report" ] && echo "report=$report" >> "$GITHUB_OUTPUT"
exit "$code"
