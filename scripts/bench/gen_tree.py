#!/usr/bin/env python3
"""Writes a realistic, deterministic large repository for benchmarks.

usage: gen_tree.py OUT_DIR [--files N] [--seed S]

The tree holds Terraform modules with many resources, Dockerfiles, GitHub
workflows, GitLab CI, app source and manifests, a few large files, some
binaries, a .gitignore'd build folder, and a handful of planted (fake) secrets.
"""
import argparse
import os
import random
import string

TF_RESOURCE = '''
resource "aws_security_group" "sg_{i}" {{
  name   = "sg-{i}"
  vpc_id = var.vpc_id

  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["{cidr}"]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  tags = local.tags
}}

resource "aws_db_instance" "db_{i}" {{
  identifier              = "db-{i}"
  engine                  = "postgres"
  instance_class          = "db.t4g.micro"
  allocated_storage       = 20
  storage_encrypted       = {enc}
  multi_az                = {multi}
  backup_retention_period = {backup}
  username                = "app"
  password                = var.db_password
  publicly_accessible     = false
  vpc_security_group_ids  = [aws_security_group.sg_{i}.id]
}}

resource "aws_iam_policy" "policy_{i}" {{
  name = "policy-{i}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "arn:aws:s3:::bucket-{i}/*"
    }}]
  }})
}}
'''

DOCKERFILE = '''FROM {base} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM {final}
WORKDIR /app
COPY --from=build /src/dist ./dist
{user}
EXPOSE 8080
CMD ["node", "dist/server.js"]
'''

WORKFLOW = '''name: ci-{i}
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - run: npm test
      - name: Comment
        run: echo "${{{{ github.event.pull_request.{field} }}}}"
'''

PY = '''import os
import logging

logger = logging.getLogger(__name__)

DATABASE_URL = os.environ.get("DATABASE_URL")
API_TOKEN = os.environ["API_TOKEN"]


def handler_{i}(event, context):
    """Handles event {i}."""
    items = [x * {i} for x in range(100)]
    total = sum(items)
    logger.info("processed %s items, total %s", len(items), total)
    return {{"status": 200, "total": total, "id": "{uuid}"}}
'''

JS = '''const express = require("express");
const router = express.Router();

// Route {i}
router.get("/items/{i}", async (req, res) => {{
  const items = await db.query("SELECT * FROM items WHERE id = $1", [req.params.id]);
  res.json({{ items, request: "{uuid}" }});
}});

module.exports = router;
'''

GO = '''package svc{i}

import (
	"context"
	"fmt"
)

// Service{i} does things.
type Service{i} struct {{
	Name string
}}

func (s *Service{i}) Run(ctx context.Context) error {{
	fmt.Println("running", s.Name, "{uuid}")
	return nil
}}
'''

PACKAGE_JSON = '''{{
  "name": "svc-{i}",
  "version": "1.0.{i}",
  "dependencies": {{ "express": "^4.19.2", "pg": "^8.11.0"{extra} }},
  "devDependencies": {{ "jest": "^29.7.0" }},
  "scripts": {{ "test": "jest" }}
}}
'''


def rand_id(rng, n=20, alphabet=string.ascii_letters + string.digits):
    return "".join(rng.choice(alphabet) for _ in range(n))


def uuid(rng):
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = args.out
    n = args.files
    written = 0

    write(os.path.join(out, ".gitignore"), "build/\nnode_modules/\n*.log\n")
    # Ignored build output: must not be scanned.
    for i in range(200):
        write(os.path.join(out, "build", f"bundle{i}.js"), JS.format(i=i, uuid=uuid(rng)) * 5)

    kinds = ["tf", "tf", "py", "py", "js", "js", "go", "go", "docker", "workflow", "manifest", "md"]
    i = 0
    while written < n:
        kind = kinds[i % len(kinds)]
        svc = f"services/svc{i // 50:04d}"
        if kind == "tf":
            body = "".join(
                TF_RESOURCE.format(
                    i=f"{i}_{j}",
                    port=rng.choice([22, 443, 5432, 8080, 3306]),
                    cidr=rng.choice(["10.0.0.0/8", "0.0.0.0/0", "172.16.0.0/12"]),
                    enc=rng.choice(["true", "false", "var.encrypted"]),
                    multi=rng.choice(["true", "false"]),
                    backup=rng.choice([0, 7, 14]),
                )
                for j in range(rng.randint(1, 4))
            )
            write(os.path.join(out, "infra", f"module{i // 20:04d}", f"res{i}.tf"), body)
        elif kind == "py":
            write(os.path.join(out, svc, "app", f"handler{i}.py"), PY.format(i=i, uuid=uuid(rng)))
        elif kind == "js":
            write(os.path.join(out, svc, "routes", f"route{i}.js"), JS.format(i=i, uuid=uuid(rng)))
        elif kind == "go":
            write(os.path.join(out, svc, "internal", f"svc{i}.go"), GO.format(i=i, uuid=uuid(rng)))
        elif kind == "docker":
            write(
                os.path.join(out, svc, f"Dockerfile.{i}"),
                DOCKERFILE.format(
                    base=rng.choice(["node:20", "node", "node:latest"]),
                    final=rng.choice(["node:20-alpine", "gcr.io/distroless/nodejs20-debian12:nonroot"]),
                    user=rng.choice(["USER node", ""]),
                ),
            )
        elif kind == "workflow":
            write(
                os.path.join(out, ".github", "workflows", f"ci{i}.yml"),
                WORKFLOW.format(i=i, field=rng.choice(["title", "number", "body", "head.sha"])),
            )
        elif kind == "manifest":
            extra = rng.choice(['', ', "@sentry/node": "^7.0.0"', ', "dd-trace": "^5.0.0"'])
            write(os.path.join(out, svc, f"pkg{i}", "package.json"), PACKAGE_JSON.format(i=i, extra=extra))
        else:
            write(os.path.join(out, svc, "docs", f"README{i}.md"), f"# Service {i}\n\n" + "Lorem ipsum dolor sit amet. " * 40 + "\n")
        written += 1
        i += 1

    # A few planted fake secrets (detectable formats).
    for k in range(10):
        key = "AKIA" + rand_id(rng, 16, string.ascii_uppercase + "234567")
        write(os.path.join(out, "config", f"legacy{k}.env.sample.py"), f'AWS_ACCESS_KEY_ID = "{key}"\n')
    # Large files (1.5 MB of text) and binaries.
    for k in range(5):
        write(os.path.join(out, "data", f"large{k}.csv"), ("id,name,value\n" + "".join(f"{j},{rand_id(rng, 8)},{j * 3}\n" for j in range(80000))))
    for k in range(20):
        p = os.path.join(out, "assets", f"image{k}.png")
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(20000)))
    print(f"wrote {written + 35} files under {out}")


if __name__ == "__main__":
    main()
