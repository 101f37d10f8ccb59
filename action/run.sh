#!/usr/bin/env bash
# Runs devops-lint for the Action. Inputs come as INPUT_* environment variables
# and are passed as separate arguments (never evaluated). Writes `exit-code` and
# `report` to GITHUB_OUTPUT and exits 0 when the scan ran (findings or not), so
# the SARIF upload still happens; the Action's last step fails on exit-code 1.
# A usage or configuration error (exit 2) fails this step at once.
set -euo pipefail

bin=${DEVOPS_LINT_BIN:-devops-lint}
out_dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
output=${GITHUB_OUTPUT:-/dev/null}

usage_error() {
  echo "::error title=devops-lint::$1"
  echo "exit-code=2" >>"$output"
  exit 2
}

path=${INPUT_PATH:-.}
stage=${INPUT_STAGE:-seed}
format=${INPUT_FORMAT:-sarif}
fail_on=${INPUT_FAIL_ON:-error}
case $stage in seed | growth | scale) ;; *) usage_error "stage must be seed, growth or scale" ;; esac
case $fail_on in error | warning | note | never) ;; *) usage_error "fail-on must be error, warning, note or never" ;; esac
case $format in
  sarif) report="$out_dir/devops-lint.sarif" ;;
  json | gitlab) report="$out_dir/devops-lint-$format.json" ;;
  markdown) report="$out_dir/devops-lint.md" ;;
  github | human) report="" ;;
  *) usage_error "format must be sarif, github, gitlab, json, markdown or human" ;;
esac

args=("$path" --stage "$stage" --fail-on "$fail_on" --format "$format")
[[ -z $report ]] || args+=(--output "$report")
[[ -z ${INPUT_CHANGED_SINCE:-} ]] || args+=(--changed-since "$INPUT_CHANGED_SINCE")
[[ -z ${INPUT_CONFIG:-} ]] || args+=(--config "$INPUT_CONFIG")
[[ $format != sarif || -z ${INPUT_SARIF_CATEGORY:-} ]] || args+=(--sarif-category "$INPUT_SARIF_CATEGORY")
[[ $format != human ]] || args+=(--no-color)

status=0
"$bin" "${args[@]}" || status=$?
echo "exit-code=$status" >>"$output"
echo "report=$report" >>"$output"
if [[ $status -ge 2 ]]; then
  echo "::error title=devops-lint::devops-lint stopped with a usage or configuration error (exit $status)"
  exit "$status"
fi

if [[ ${INPUT_SUMMARY:-true} == true && -n ${GITHUB_STEP_SUMMARY:-} ]]; then
  summary_args=("$path" --stage "$stage" --fail-on never --format markdown)
  [[ -z ${INPUT_CONFIG:-} ]] || summary_args+=(--config "$INPUT_CONFIG")
  [[ -z ${INPUT_CHANGED_SINCE:-} ]] || summary_args+=(--changed-since "$INPUT_CHANGED_SINCE")
  "$bin" "${summary_args[@]}" >>"$GITHUB_STEP_SUMMARY" || true
fi
exit 0
