#!/usr/bin/env python3
"""Builds the real-repository corpus for scripts/bench/run: the repos pinned in
scripts/realworld/repos.txt, extracted from the session's git snapshots
($REALWORLD_MIRRORS, default /work/.mirror/<owner>+<name>/repo) at the pinned
commit, copied --copies times under OUT_DIR. Blobs a snapshot lacks (its
largest files may be absent) are left out. Nothing here is committed.

usage: real_corpus.py OUT_DIR [--copies 4] [--repos-at COMMIT]

--repos-at reads the list as it was at COMMIT (`git show COMMIT:scripts/realworld/
repos.txt`), so a documented corpus stays reproducible after repositories are added.
"""
import argparse
import os
import shutil
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def listing(at=None):
    """The text of scripts/realworld/repos.txt, now or at commit `at`."""
    if at:
        return subprocess.run(
            ["git", "-C", REPO, "show", f"{at}:scripts/realworld/repos.txt"],
            check=True, capture_output=True,
        ).stdout.decode("utf-8")
    with open(os.path.join(REPO, "scripts/realworld/repos.txt"), encoding="utf-8") as f:
        return f.read()


def pinned(at=None):
    out = []
    for line in listing(at).splitlines():
        if line.strip() and not line.startswith("#"):
            name, commit = line.split()[:2]
            out.append((name, commit))
    return out


def extract(git_dir, commit, dest):
    """Every blob of `commit` that the snapshot holds, written under dest."""
    tree = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", commit],
        check=True, capture_output=True,
    ).stdout.split(b"\0")
    entries = []
    for e in tree:
        if not e:
            continue
        meta, path = e.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":
            entries.append((sha.decode(), path.decode("utf-8", "surrogateescape")))
    batch = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    written = 0
    for sha, path in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        written += 1
    batch.stdin.close()
    batch.wait()
    return written


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--repos-at", default=None, help="the repository list as at this commit")
    args = ap.parse_args()
    mirrors = os.environ.get("REALWORLD_MIRRORS", "/work/.mirror")
    first = os.path.join(args.out, "copy0")
    os.makedirs(first, exist_ok=True)
    used = []
    for name, commit in pinned(args.repos_at):
        git_dir = os.path.join(mirrors, name.replace("/", "+"), "repo")
        if not os.path.isdir(git_dir):
            print(f"(no snapshot of {name}: skipped)")
            continue
        n = extract(git_dir, commit, os.path.join(first, name.replace("/", "+")))
        used.append(f"{name} ({n} files)")
    for k in range(1, args.copies):
        shutil.copytree(first, os.path.join(args.out, f"copy{k}"))
    print("corpus: " + ", ".join(used))


if __name__ == "__main__":
    main()
