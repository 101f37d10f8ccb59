#!/usr/bin/env bash
# Installs a devops-lint release binary for this runner and puts it on PATH.
# The archive is checked against the release's SHA256SUMS before it is unpacked;
# with DEVOPS_LINT_VERIFY_PROVENANCE=true its build provenance is verified too
# (`gh attestation verify`). Nothing is compiled.
#
# Environment: DEVOPS_LINT_VERSION (required), RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
# GITHUB_PATH (set by the runner); DEVOPS_LINT_DOWNLOAD_BASE (default: this
# repository's GitHub releases; https only, or file:// for tests);
# DEVOPS_LINT_REPOSITORY (owner/name for provenance, default devops-lint/devops-lint).
set -euo pipefail

fail() {
  # A workflow command of our own; the text is ours, not user input.
  echo "::error title=devops-lint install::$1"
  exit 1
}

version=${DEVOPS_LINT_VERSION:?DEVOPS_LINT_VERSION is required}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] || fail "version must look like 1.2.3"
repository=${DEVOPS_LINT_REPOSITORY:-devops-lint/devops-lint}
base=${DEVOPS_LINT_DOWNLOAD_BASE:-https://github.com/$repository/releases/download}
case $base in
  https://*) proto='=https' ;;
  file://*) proto='=file' ;;
  *) fail "the download base must be an https:// URL" ;;
esac

case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
  Linux/X64 | Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64 | Linux/aarch64) target=aarch64-unknown-linux-musl ;;
  macOS/ARM64 | Darwin/arm64) target=aarch64-apple-darwin ;;
  macOS/X64 | Darwin/x86_64) target=x86_64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) fail "no devops-lint release for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}" ;;
esac
ext=tar.gz
exe=devops-lint
if [[ $target == *windows* ]]; then
  ext=zip
  exe=devops-lint.exe
fi
asset="devops-lint-$version-$target.$ext"

dest="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/devops-lint-$version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() {
  curl --proto "$proto" --fail --silent --show-error --location --retry 3 -o "$work/$2" "$base/v$version/$1" ||
    fail "cannot download $1 of devops-lint $version"
}
fetch "$asset" "$asset"
fetch SHA256SUMS SHA256SUMS

expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")
[[ $expected =~ ^[0-9a-f]{64}$ ]] || fail "SHA256SUMS has no entry for $asset"
if command -v sha256sum >/dev/null; then
  actual=$(sha256sum "$work/$asset" | cut -d' ' -f1)
else
  actual=$(shasum -a 256 "$work/$asset" | cut -d' ' -f1)
fi
[[ $actual == "$expected" ]] || fail "checksum mismatch for $asset: expected $expected, got $actual"

if [[ ${DEVOPS_LINT_VERIFY_PROVENANCE:-false} == true ]]; then
  command -v gh >/dev/null || fail "verify-provenance needs the gh CLI"
  gh attestation verify "$work/$asset" --repo "$repository" >/dev/null ||
    fail "the build provenance of $asset does not verify"
fi

mkdir -p "$dest"
if [[ $ext == zip ]]; then
  unzip -q -o "$work/$asset" -d "$dest"
else
  tar -xzf "$work/$asset" -C "$dest"
fi
[[ -f "$dest/$exe" ]] || fail "$asset holds no $exe"
chmod +x "$dest/$exe"
if [[ -n ${GITHUB_PATH:-} ]]; then
  echo "$dest" >>"$GITHUB_PATH"
fi
echo "installed devops-lint $version ($target) in $dest"
