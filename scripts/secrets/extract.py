"""Write the tree of COMMIT from the bare snapshot GIT_DIR into DEST, skipping blobs the
snapshot does not hold (large files may be listed but absent), unlike `git archive`."""
import os, subprocess, sys

git_dir, commit, dest = sys.argv[1:4]
listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit],
                         check=True, capture_output=True).stdout
entries = []
for item in listing.split(b"\0"):
    if not item:
        continue
    meta, path = item.split(b"\t", 1)
    mode, kind, sha = meta.split()
    if kind == b"blob" and mode != b"120000":  # no symlinks: nothing may point outside
        entries.append((sha.decode(), path.decode("utf-8", "surrogateescape")))
batch = subprocess.Popen(["git", "--git-dir", git_dir, "cat-file", "--batch"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
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
batch.stdin.close()
batch.wait()
