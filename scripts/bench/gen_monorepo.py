#!/usr/bin/env python3
"""Writes a deterministic monorepo-shaped tree: thousands of package manifests,
Makefiles, release scripts and CI workflows, every workflow calling into all of
them (`npm test`, `make build`, `npm run deploy`). Before CI resolution was
indexed, each such call was matched against every manifest (workflows x manifests).

usage: gen_monorepo.py OUT_DIR [--packages N]

N packages, N/3 Makefiles, 50 release scripts, 2N/3 workflows, plus a source file
per package.
"""
import argparse
import os

TESTS = ["jest", "vitest run", "jest --ci && eslint .", "node --test"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--packages", type=int, default=3000)
    args = ap.parse_args()
    out, n = args.out, args.packages
    count = 0
    for i in range(n):
        write(
            os.path.join(out, "packages", f"p{i:05d}", "package.json"),
            f'{{"name": "p{i}", "dependencies": {{"express": "^4"}}, '
            f'"scripts": {{"test": "{TESTS[i % 4]}", "build": "tsc -p . && npm run lint", '
            f'"lint": "eslint src", "deploy": "./scripts/release-{i % 50}.sh"}}}}\n',
        )
        write(
            os.path.join(out, "packages", f"p{i:05d}", "src", "index.js"),
            f'const express = require("express");\nmodule.exports = () => express.Router(); // {i}\n',
        )
        count += 2
    for i in range(n // 3):
        write(
            os.path.join(out, "services", f"s{i:05d}", "Makefile"),
            "test:\n\tnpm test\n\tgo test ./...\nbuild:\n\tmake test\n\tnpm run build\n",
        )
        count += 1
    for i in range(50):
        write(os.path.join(out, "scripts", f"release-{i}.sh"), "#!/bin/sh\nnpm run build\nmake build\n")
        count += 1
    for i in range(2 * n // 3):
        write(
            os.path.join(out, ".github", "workflows", f"ci{i:05d}.yml"),
            f"name: ci-{i}\non: push\npermissions:\n  contents: read\njobs:\n  test:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n      - run: npm test\n"
            "      - run: make build\n      - run: npm run deploy\n",
        )
        count += 1
    print(f"wrote {count} files under {out}")


if __name__ == "__main__":
    main()
