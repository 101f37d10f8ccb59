#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the fixtures (and any extra directories given as
# arguments, e.g. checkouts of real repositories), plus every saved regression input.
# Files over 64 KiB are left out (libFuzzer's default -max_len is 4 KiB anyway).
#   fuzz/seed.sh [extra-dir...]
set -euo pipefail
cd "$(dirname "$0")"
sources=(../fixtures ../docs seeds "$@")
shopt -s nullglob

seed() { # seed <target> <find predicates...>
  local target=$1
  shift
  mkdir -p "corpus/$target"
  find "${sources[@]}" -type f -size -64k \( "$@" \) -print0 2>/dev/null |
    while IFS= read -r -d '' f; do
      cp "$f" "corpus/$target/$(sha1sum "$f" | cut -c1-16)"
    done
}

seed hcl -name '*.tf' -o -name '*.tf.json' -o -name '*.tfvars' -o -name '*.hcl'
seed yaml -name '*.yml' -o -name '*.yaml'
seed dockerfile -iname 'Dockerfile*' -o -iname '*.dockerfile' -o -iname 'Containerfile*'
seed gha_expr -path '*/.github/*' -name '*.yml' -o -name 'action.yml'
seed suppress -name '*.tf' -o -iname '*dockerfile*' -o -name '*.yml'
seed config -name '*.toml'

# pipeline: the first byte picks the file's path (devops_lint::fuzzing::PIPELINE_PATHS).
pipeline() { # pipeline <index> <find predicates...>
  local index=$1
  shift
  mkdir -p corpus/pipeline
  find "${sources[@]}" -type f -size -64k \( "$@" \) -print0 2>/dev/null |
    while IFS= read -r -d '' f; do
      out="corpus/pipeline/$index-$(sha1sum "$f" | cut -c1-16)"
      { printf "\\x$(printf %02x "$index")"; cat "$f"; } >"$out"
    done
}
pipeline 0 -name '*.tf'
pipeline 1 -name '*.tf.json'
pipeline 2 -iname 'Dockerfile*' -o -iname '*.dockerfile'
pipeline 3 -path '*/.github/workflows/*'
pipeline 4 -name 'action.yml'
pipeline 5 -name '.gitlab-ci.yml'
pipeline 6 -path '*/.circleci/*.yml'
pipeline 7 -name 'docker-compose*.yml' -o -name 'compose.y*ml'
pipeline 8 -path '*k8s*' -name '*.yaml'
pipeline 9 -name 'package.json'
pipeline 10 -name '.env*'

# Saved crashes and slow inputs are always part of the corpus.
for dir in regressions/*/; do
  target=$(basename "$dir")
  mkdir -p "corpus/$target"
  cp "$dir"* "corpus/$target/" 2>/dev/null || true
done
for t in corpus/*/; do echo "$(ls "$t" | wc -l) seeds in $t"; done
