#!/usr/bin/env bash
# Startup cost of the pre-commit hook: wall time of devops-lint in file-list
# mode on 5 staged-like files (the example repo's Terraform, Dockerfile,
# workflow, Python and package.json), as pre-commit calls it.
#
# usage: scripts/bench/precommit.sh [BINARY] [CONFIG]
#   BINARY  default target/release/devops-lint (build it with cargo build --release)
#   CONFIG  a devops-lint.toml to compare against the run without one
#           (e.g. one with [plugins.*] tables)
# Uses hyperfine when installed (apt-get install hyperfine), else a timed loop.
#
# Measured 2026-11-26, release build, 2 cores shared with other builds (load ~13),
# hyperfine 300 runs: min 3.0 ms, mean 14 ms +- 10 ms wall, 4.5 ms CPU
# (user+sys) per run on the 5 files; `-j 1` the same; a config with a
# [plugins.*] table the same (measured before the plugin host was merged: the
# table was only parsed). pre-commit's own overhead around the hook was ~1 s
# (`pre-commit run --files` with the same 5 files).
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=$(realpath "${1:-target/release/devops-lint}")
config=${2:+$(realpath "$2")}
repo=fixtures/repos/example-startup
files="infra/main.tf Dockerfile .github/workflows/triage.yml app/settings.py package.json"
cd "$repo"

# shellcheck disable=SC2086
cmds=("$bin --no-color $files")
if [ -n "$config" ]; then
  cmds+=("$bin --no-color --config $config $files")
fi

if command -v hyperfine >/dev/null; then
  hyperfine --shell=none --ignore-failure --warmup 5 --runs 100 "${cmds[@]}"
else
  for cmd in "${cmds[@]}"; do
    runs=100
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do $cmd >/dev/null || true; done
    end=$(date +%s%N)
    echo "$cmd: $(( (end - start) / runs / 1000 )) µs per run (mean of $runs)"
  done
fi
