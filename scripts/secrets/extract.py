"""Write the tree of COMMIT from the bare snapshot GIT_DIR into DEST, skipping blobs the
snapshot does not hold (large files may be listed but absent), unlike `git archive`.
The extraction itself is scripts/bench/real_corpus.py's (no symlinks: nothing may
point outside DEST)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from real_corpus import extract  # noqa: E402

git_dir, commit, dest = sys.argv[1:4]
extract(git_dir, commit, dest)
