use super::*;

fn at(text: &str, span: Span) -> &str {
    text.get(span.range()).unwrap()
}

fn ok(text: &str) -> Dockerfile {
    let (df, diags) = parse(text);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:?}");
    df
}

/// Every span the model hands out lies inside `text` on char boundaries.
fn assert_spans_valid(df: &Dockerfile, text: &str) {
    let check = |s: Span| {
        assert!(s.start <= s.end && s.end as usize <= text.len(), "{s:?}");
        assert!(
            text.get(s.range()).is_some(),
            "not on char boundaries: {s:?}"
        );
    };
    for d in &df.directives {
        check(d.span);
        check(d.value_span);
    }
    for i in &df.instructions {
        for s in [i.span, i.keyword_span, i.args_span] {
            check(s);
            assert!(i.span.contains(s), "{s:?} outside {:?}", i.span);
        }
        i.flags.iter().for_each(|f| check(f.span));
        i.pieces.iter().for_each(|&p| check(p));
        i.heredocs.iter().for_each(|h| check(h.body_span));
        for kv in i.key_values(text) {
            check(kv.key_span);
            kv.value_span.into_iter().for_each(check);
        }
        let _ = i.run_script();
    }
    for s in &df.stages {
        check(s.image_span);
        s.alias_span.into_iter().for_each(check);
        let _ = s.is_earlier_stage_ref(df);
        let _ = df.resolve_args(&s.image);
    }
}

#[test]
fn multi_stage_build_with_aliases() {
    let text = "\
FROM node:20-alpine AS Build
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
RUN npm run build

FROM build AS test
RUN npm test

FROM gcr.io/distroless/nodejs20-debian12:nonroot
COPY --from=BUILD /app/dist /app
USER nonroot
CMD [\"/app/server.js\"]
";
    let df = ok(text);
    assert_spans_valid(&df, text);
    assert_eq!(df.stages.len(), 3);
    let build = &df.stages[0];
    assert_eq!(build.image, "node:20-alpine");
    assert_eq!(at(text, build.image_span), "node:20-alpine");
    assert_eq!(build.alias.as_deref(), Some("Build"));
    assert_eq!(at(text, build.alias_span.unwrap()), "Build");
    assert!(!build.is_earlier_stage_ref(&df));
    // `FROM build` names stage 0 whatever the case.
    assert!(df.stages[1].is_earlier_stage_ref(&df));
    assert_eq!(df.stage_by_name("BUILD").map(|s| s.index), Some(0));

    let last = df.final_stage().unwrap();
    assert_eq!(last.index, 2);
    assert_eq!(last.from, 6);
    assert!(!last.is_earlier_stage_ref(&df));
    let keywords: Vec<&str> = df
        .stage_instructions(2)
        .map(|i| i.keyword.as_str())
        .collect();
    assert_eq!(keywords, ["FROM", "COPY", "USER", "CMD"]);
    assert_eq!(df.instructions[3].stage, 0);

    let copy = &df.instructions[2];
    assert_eq!(copy.flags.len(), 2);
    assert_eq!(
        copy.flag("from").and_then(|f| f.value.as_deref()),
        Some("deps")
    );
    assert_eq!(at(text, copy.flags[0].span), "--from=deps");
    assert_eq!(at(text, copy.flags[1].span), "--chown=node:node");
    assert_eq!(copy.args, "/app/node_modules ./node_modules");
    assert_eq!(at(text, copy.args_span), "/app/node_modules ./node_modules");
    assert_eq!(at(text, copy.keyword_span), "COPY");
    assert_eq!(
        at(text, copy.span),
        "COPY --from=deps --chown=node:node /app/node_modules ./node_modules"
    );
}

#[test]
fn arg_parameterised_from() {
    let text = "\
ARG BASE=node:20
ARG VARIANT
ARG REGISTRY=docker.io
ARG FULL=${REGISTRY}/library/${BASE}
FROM ${BASE}
FROM $REGISTRY/${VARIANT:-debian}:bookworm
FROM ${VARIANT}
FROM ${FULL}
";
    let df = ok(text);
    assert_spans_valid(&df, text);
    assert!(df.instructions[..4].iter().all(|i| i.stage == usize::MAX));
    assert_eq!(
        df.global_args(),
        vec![
            ("BASE".to_string(), Some("node:20".to_string())),
            ("VARIANT".to_string(), None),
            ("REGISTRY".to_string(), Some("docker.io".to_string())),
            (
                "FULL".to_string(),
                Some("${REGISTRY}/library/${BASE}".to_string())
            ),
        ]
    );
    let images: Vec<Option<String>> = df
        .stages
        .iter()
        .map(|s| df.resolve_args(&s.image))
        .collect();
    assert_eq!(
        images,
        [
            Some("node:20".to_string()),
            Some("docker.io/debian:bookworm".to_string()),
            None,
            Some("docker.io/library/node:20".to_string()),
        ]
    );
    assert_eq!(at(text, df.stages[0].image_span), "${BASE}");
    assert_eq!(df.resolve_args("plain:1.0"), Some("plain:1.0".to_string()));
    assert_eq!(df.resolve_args("${UNDECLARED}"), None);
    assert_eq!(
        df.resolve_args("${BASE:+set}-${VARIANT:+set}"),
        Some("set-".to_string())
    );
    assert_eq!(df.resolve_args("${BASE"), None);
    // Deeply nested defaults are cut off, not a stack overflow.
    let deep = format!("{}x{}", "${A:-".repeat(100_000), "}".repeat(100_000));
    assert_eq!(df.resolve_args(&deep), None);
}

#[test]
fn from_platform_scratch_and_digest() {
    let text = "\
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
FROM scratch
FROM alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5 as runtime
";
    let df = ok(text);
    assert_spans_valid(&df, text);
    let build = &df.stages[0];
    assert_eq!(build.platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(
        at(text, df.instructions[0].flags[0].span),
        "--platform=$BUILDPLATFORM"
    );
    assert_eq!(build.image, "golang:1.22");
    assert_eq!(at(text, build.image_span), "golang:1.22");
    assert!(df.stages[1].is_scratch());
    assert_eq!(df.stages[1].alias, None);
    let digest = &df.stages[2];
    assert!(digest.image.starts_with("alpine@sha256:0a4e"));
    assert_eq!(at(text, digest.image_span), digest.image);
    assert_eq!(digest.alias.as_deref(), Some("runtime"));
}

#[test]
fn from_with_wrong_arity_is_reported() {
    let text = "FROM\nFROM a b\nRUN true\n";
    let (df, diags) = parse(text);
    assert_spans_valid(&df, text);
    assert_eq!(df.stages.len(), 2);
    assert_eq!(diags.len(), 2);
    assert_eq!(at(text, diags[0].span), "FROM");
    assert_eq!(at(text, diags[1].span), "a b");
    assert_eq!(df.instructions[2].stage, 1);
}

#[test]
fn heredoc_run_and_copy() {
    let text = "\
# syntax=docker/dockerfile:1.7
FROM debian:bookworm
RUN --mount=type=cache,target=/var/cache/apt <<EOF
set -eux
apt-get update
curl -fsSL https://example.com/install.sh | sh
EOF
RUN <<-'SCRIPT' bash
\tset -e
\techo \"$HOME\"
\tSCRIPT
COPY <<EOF /etc/app.conf
port=8080
EOF
RUN cat <<A <<\"B\" > /out
a
A
b
B
RUN echo '<<NOT' && echo \"<<NOT\"
RUN [\"sh\", \"-c\", \"cat <<EOF\"]
USER app
";
    let df = ok(text);
    assert_spans_valid(&df, text);
    assert_eq!(df.directives.len(), 1);
    assert_eq!(df.directives[0].name, "syntax");
    assert_eq!(
        at(text, df.directives[0].value_span),
        "docker/dockerfile:1.7"
    );

    let run = &df.instructions[1];
    assert_eq!(run.args, "<<EOF");
    assert_eq!(run.heredocs.len(), 1);
    let doc = &run.heredocs[0];
    assert_eq!(doc.delimiter, "EOF");
    assert!(!doc.strip_tabs);
    assert_eq!(
        doc.body,
        "set -eux\napt-get update\ncurl -fsSL https://example.com/install.sh | sh\n"
    );
    assert_eq!(at(text, doc.body_span), doc.body);
    assert!(at(text, run.span).starts_with("RUN --mount"));
    assert!(at(text, run.span).ends_with("| sh\nEOF"));
    assert_eq!(
        run.run_script(),
        "set -eux\napt-get update\ncurl -fsSL https://example.com/install.sh | sh"
    );

    let tabbed = &df.instructions[2];
    assert_eq!(tabbed.heredocs[0].delimiter, "SCRIPT");
    assert!(tabbed.heredocs[0].strip_tabs);
    assert_eq!(tabbed.heredocs[0].body, "\tset -e\n\techo \"$HOME\"\n");
    assert_eq!(
        tabbed.run_script(),
        "<<-'SCRIPT' bash\nset -e\necho \"$HOME\""
    );

    let copy = &df.instructions[3];
    assert_eq!(copy.heredocs[0].body, "port=8080\n");
    assert_eq!(copy.args, "<<EOF /etc/app.conf");

    let two = &df.instructions[4];
    let names: Vec<&str> = two.heredocs.iter().map(|h| h.delimiter.as_str()).collect();
    assert_eq!(names, ["A", "B"]);
    assert_eq!(two.heredocs[1].body, "b\n");

    assert!(df.instructions[5].heredocs.is_empty());
    assert!(df.instructions[6].heredocs.is_empty());
    assert_eq!(df.instructions[7].keyword, "USER");
    assert_eq!(df.instructions[7].args, "app");
}

#[test]
fn unterminated_heredoc_is_reported() {
    let text = "FROM alpine\nRUN <<EOF\necho hi\n";
    let (df, diags) = parse(text);
    assert_spans_valid(&df, text);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.contains("unterminated heredoc"));
    assert_eq!(at(text, diags[0].span), "<<EOF");
    let run = &df.instructions[1];
    assert_eq!(run.heredocs[0].body, "echo hi\n");
    assert_eq!(run.span.end as usize, text.len());

    let (df, diags) = parse("RUN <<EOF");
    assert_eq!(diags.len(), 1);
    assert_eq!(df.instructions[0].heredocs[0].body, "");
}

#[test]
fn continuation_with_comment_and_empty_lines() {
    let text = "\
FROM ubuntu:22.04
RUN apt-get update \\
# install the toolchain
    && apt-get install -y \\
      build-essential \\

      curl   \t
CMD bash
";
    let df = ok(text);
    assert_spans_valid(&df, text);
    let run = &df.instructions[1];
    assert_eq!(
        run.args,
        "apt-get update     && apt-get install -y       build-essential       curl"
    );
    assert_eq!(
            at(text, run.args_span),
            "apt-get update \\\n# install the toolchain\n    && apt-get install -y \\\n      build-essential \\\n\n      curl"
        );
    assert!(at(text, run.span).starts_with("RUN apt-get"));
    assert!(at(text, run.span).ends_with("curl   \t"));
    assert_eq!(run.pieces.len(), 4);
    assert_eq!(df.instructions[2].keyword, "CMD");
    assert_eq!(df.instructions.len(), 3);
}

#[test]
fn trailing_whitespace_after_escape_and_double_escape() {
    let text = "RUN echo a \\  \t\n  b\nRUN echo c \\\\\nRUN echo d\n";
    let df = ok(text);
    assert_spans_valid(&df, text);
    assert_eq!(df.instructions[0].args, "echo a   b");
    // `\\` at the end escapes itself: no continuation (BuildKit).
    assert_eq!(df.instructions[1].args, "echo c \\\\");
    assert_eq!(df.instructions.len(), 3);
}

#[test]
fn escape_directive_windows_style() {
    let text = "\
# escape=`
# syntax=docker/dockerfile:1

FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL [\"powershell\", \"-Command\"]
WORKDIR C:\\app\\
ENV PYTHONPATH=C:\\lib `
    HOME=\"C:\\Users\\app\"
RUN Write-Host `
    'hello' ; `
    Get-ChildItem C:\\
# escape=\\
RUN dir C:\\temp\\
";
    let df = ok(text);
    assert_spans_valid(&df, text);
    assert_eq!(df.escape, '`');
    assert_eq!(df.directives.len(), 2);
    assert_eq!(df.directives[0].name, "escape");
    assert_eq!(at(text, df.directives[0].span), "# escape=`");
    let workdir = &df.instructions[2];
    assert_eq!(workdir.args, "C:\\app\\");
    let env = &df.instructions[3];
    let kvs = env.key_values(text);
    assert_eq!(kvs.len(), 2);
    assert_eq!(kvs[0].value.as_deref(), Some("C:\\lib"));
    assert_eq!(kvs[1].key, "HOME");
    assert_eq!(kvs[1].value.as_deref(), Some("C:\\Users\\app"));
    assert_eq!(at(text, kvs[1].value_span.unwrap()), "\"C:\\Users\\app\"");
    let run = &df.instructions[4];
    assert_eq!(run.args, "Write-Host     'hello' ;     Get-ChildItem C:\\");
    // A directive after the first instruction is only a comment.
    assert_eq!(df.instructions[5].args, "dir C:\\temp\\");
    assert_eq!(df.instructions.len(), 6);
}

#[test]
fn directive_errors() {
    let text = "# escape=x\n# syntax=a\n# SYNTAX=b\nFROM a\n";
    let (df, diags) = parse(text);
    assert_eq!(df.escape, '\\');
    assert_eq!(diags.len(), 2);
    assert_eq!(at(text, diags[0].span), "x");
    assert_eq!(at(text, diags[1].span), "# SYNTAX=b");
    // An unknown directive ends the directives.
    let df = ok("# foo=bar\n# escape=`\nFROM a\n");
    assert!(df.directives.is_empty());
    assert_eq!(df.escape, '\\');
}

#[test]
fn json_and_shell_forms() {
    let text = "\
FROM python:3.12-slim
CMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]
ENTRYPOINT [ \"/bin/tini\", \"--\" ]
CMD [\"python\", \"app.py\"
CMD ['python', 'app.py']
CMD python app.py
COPY [\"a b.txt\", \"/dst/\"]
HEALTHCHECK --interval=30s CMD [\"curl\", \"-f\", \"http://localhost/\"]
RUN [\"/bin/sh\", \"-c\", 1]
";
    let df = ok(text);
    assert_spans_valid(&df, text);
    let json = |k: usize| df.instructions[k].json_args.clone();
    assert_eq!(
        json(1).unwrap(),
        ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    );
    assert_eq!(
        at(text, df.instructions[1].args_span),
        df.instructions[1].args
    );
    assert_eq!(json(2).unwrap(), ["/bin/tini", "--"]);
    // An unterminated array falls back to shell form.
    assert_eq!(json(3), None);
    assert_eq!(df.instructions[3].args, "[\"python\", \"app.py\"");
    assert_eq!(json(4), None);
    assert_eq!(json(5), None);
    assert_eq!(json(6).unwrap(), ["a b.txt", "/dst/"]);
    assert_eq!(json(7).unwrap(), ["curl", "-f", "http://localhost/"]);
    assert_eq!(json(8), None);
    assert_eq!(df.instructions[8].run_script(), "[\"/bin/sh\", \"-c\", 1]");
}

#[test]
fn env_both_forms_with_exact_spans() {
    let text = "\
FROM alpine
ENV APP_HOME /srv/my app
ENV A=1 \\
    B=\"two words\" \\
# a comment in between
    C='x y' D=a\\ b \\
    E= F=\"multi \\
line\"
ARG NAME
ARG VERSION=1.0 OTHER=\"q\"
LABEL \"org.opencontainers.image.title\"=\"My app\" version=2
";
    let df = ok(text);
    assert_spans_valid(&df, text);
    let legacy = df.instructions[1].key_values(text);
    assert_eq!(legacy.len(), 1);
    assert_eq!(legacy[0].key, "APP_HOME");
    assert_eq!(legacy[0].value.as_deref(), Some("/srv/my app"));
    assert_eq!(at(text, legacy[0].key_span), "APP_HOME");
    assert_eq!(at(text, legacy[0].value_span.unwrap()), "/srv/my app");

    let env = df.instructions[2].key_values(text);
    let got: Vec<(&str, Option<&str>, &str, Option<&str>)> = env
        .iter()
        .map(|kv| {
            (
                kv.key.as_str(),
                kv.value.as_deref(),
                at(text, kv.key_span),
                kv.value_span.map(|s| at(text, s)),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("A", Some("1"), "A", Some("1")),
            ("B", Some("two words"), "B", Some("\"two words\"")),
            ("C", Some("x y"), "C", Some("'x y'")),
            ("D", Some("a b"), "D", Some("a\\ b")),
            ("E", Some(""), "E", Some("")),
            ("F", Some("multi line"), "F", Some("\"multi \\\nline\"")),
        ]
    );
    // The empty value sits right after `E=`.
    let e_span = env[4].value_span.unwrap();
    assert_eq!(
        at(
            text,
            Span::new(e_span.start as usize - 2, e_span.end as usize)
        ),
        "E="
    );

    let arg = df.instructions[3].key_values(text);
    assert_eq!(
        (
            arg[0].key.as_str(),
            arg[0].value.as_deref(),
            arg[0].value_span
        ),
        ("NAME", None, None)
    );
    let arg = df.instructions[4].key_values(text);
    assert_eq!(arg.len(), 2);
    assert_eq!(arg[0].value.as_deref(), Some("1.0"));
    assert_eq!(arg[1].value.as_deref(), Some("q"));
    assert_eq!(at(text, arg[1].value_span.unwrap()), "\"q\"");

    let label = df.instructions[5].key_values(text);
    assert_eq!(label[0].key, "org.opencontainers.image.title");
    assert_eq!(
        at(text, label[0].key_span),
        "\"org.opencontainers.image.title\""
    );
    assert_eq!(label[0].value.as_deref(), Some("My app"));
    assert_eq!(label[1].key, "version");
    assert!(df.instructions[0].key_values(text).is_empty());
}

#[test]
fn crlf_line_endings() {
    let text = "FROM alpine:3.20 AS base\r\nENV A=1 \\\r\n    B=2\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nCMD [\"sh\"]\r\n";
    let df = ok(text);
    assert_spans_valid(&df, text);
    assert_eq!(df.stages[0].alias.as_deref(), Some("base"));
    assert_eq!(at(text, df.stages[0].alias_span.unwrap()), "base");
    let kvs = df.instructions[1].key_values(text);
    assert_eq!(at(text, kvs[1].value_span.unwrap()), "2");
    assert_eq!(df.instructions[1].args, "A=1     B=2");
    assert_eq!(df.instructions[2].heredocs[0].body, "echo hi\r\n");
    assert_eq!(
        at(text, df.instructions[2].span),
        "RUN <<EOF\r\necho hi\r\nEOF"
    );
    assert_eq!(
        df.instructions[3].json_args.as_deref(),
        Some(&["sh".to_string()][..])
    );
}

#[test]
fn byte_order_mark() {
    let text = "\u{feff}# syntax=docker/dockerfile:1\nFROM alpine\n";
    let df = ok(text);
    assert_spans_valid(&df, text);
    assert_eq!(
        at(text, df.directives[0].span),
        "# syntax=docker/dockerfile:1"
    );
    let text = "\u{feff}FROM alpine\n";
    let df = ok(text);
    assert_eq!(df.instructions[0].keyword, "FROM");
    assert_eq!(df.instructions[0].keyword_span.start, 3);
}

#[test]
fn lowercase_keywords_and_unknown_instruction() {
    let text = "from alpine as Base\nrun echo hi\napt-get install curl\n";
    let (df, diags) = parse(text);
    assert_eq!(df.instructions[0].keyword, "FROM");
    assert_eq!(df.stages[0].alias.as_deref(), Some("Base"));
    assert_eq!(df.instructions[1].keyword, "RUN");
    assert_eq!(diags.len(), 1);
    assert_eq!(at(text, diags[0].span), "apt-get");
}

#[test]
fn onbuild_heredoc() {
    let text = "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nONBUILD RUN [\"<<EOF\"]\n";
    let df = ok(text);
    assert_eq!(df.instructions[1].heredocs[0].body, "echo hi\n");
    assert!(df.instructions[2].heredocs.is_empty());
}

#[test]
fn flags_with_quotes_and_end_marker() {
    let text = "RUN --mount=type=secret,id=npm,target=/root/.npmrc \\\n    --network=\"none\" -- --not-a-flag\n";
    let df = ok(text);
    let run = &df.instructions[0];
    assert_eq!(run.flags.len(), 2);
    assert_eq!(run.flags[1].value.as_deref(), Some("none"));
    assert_eq!(at(text, run.flags[1].span), "--network=\"none\"");
    assert_eq!(run.args, "--not-a-flag");
    assert_eq!(at(text, run.args_span), "--not-a-flag");
    let df = ok("COPY --link\n");
    assert_eq!(df.instructions[0].flags[0].value, None);
    assert_eq!(df.instructions[0].args, "");
    assert_eq!(df.instructions[0].args_span, Span::new(11, 11));
}

#[test]
fn ten_thousand_backslashes_finish_fast() {
    let text = "\\\n".repeat(10_000);
    let started = std::time::Instant::now();
    let (df, diags) = parse(&text);
    assert!(started.elapsed().as_secs() < 2);
    assert!(df.instructions.is_empty());
    assert_eq!(diags.len(), 1);
    let (df, _) = parse(&"\\".repeat(10_000));
    assert_eq!(df.instructions.len(), 1);
    let (df, diags) = parse("\\");
    assert!(df.instructions.is_empty());
    assert_eq!(diags.len(), 1);
}

#[test]
fn deeply_nested_json_is_shell_form() {
    let text = format!("CMD {}\n", "[".repeat(100_000));
    let (df, _) = parse(&text);
    assert_eq!(df.instructions[0].json_args, None);
    assert_eq!(df.instructions[0].args.len(), 100_000);
}

#[test]
fn empty_and_comment_only_files() {
    for text in ["", "\n\n", "# just a comment\n", "\u{feff}", "   \t\n"] {
        let (df, diags) = parse(text);
        assert!(df.instructions.is_empty() && diags.is_empty(), "{text:?}");
    }
}

#[test]
fn hostile_inputs_never_panic() {
    const TOKENS: [&str; 32] = [
        "\\",
        "`",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "#",
        "<<",
        "<<-",
        "EOF",
        "'",
        "\"",
        "[",
        "]",
        ",",
        "=",
        "--",
        "--from=",
        "FROM",
        "RUN",
        "ENV",
        "ARG",
        "COPY",
        "AS",
        "${",
        "}",
        "$",
        "é",
        "\u{feff}",
        "# escape=`\n",
        "ONBUILD",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let len = (next() % 60) as usize;
        let text: String = (0..len)
            .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
            .collect();
        let (df, diags) = parse(&text);
        assert_spans_valid(&df, &text);
        for d in diags {
            assert!(text.get(d.span.range()).is_some(), "{text:?} {d:?}");
        }
    }
}
