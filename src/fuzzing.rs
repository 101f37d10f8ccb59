//! Entry points for the fuzz targets in `fuzz/` and for the test that replays the
//! inputs they found (`tests/fuzz_regressions.rs`), so both run the same code.
//!
//! Each function takes arbitrary bytes, must never panic, hang or blow up in
//! memory, and checks a few invariants the renderers rely on (every span inside
//! its text and on character boundaries). Not part of the public API.

use crate::config::Config;
use crate::engine::{self, ScanOptions};
use crate::model::ci::{Action, Circleci, GitlabCi, Workflow};
use crate::model::{dockerfile, terraform};
use crate::parse::{gha_expr, yaml};
use crate::registry::Registry;
use crate::report::{self, Format, RenderOptions};
use crate::rule::Stage;
use crate::source::{FileKind, ParseDiagnostic, SourceFile, Span};

/// A fuzz target's entry point.
pub type Target = fn(&[u8]);

/// The fuzz targets, by name (the file names under `fuzz/fuzz_targets/`).
pub const TARGETS: [(&str, Target); 7] = [
    ("hcl", hcl),
    ("yaml", yaml),
    ("dockerfile", dockerfile),
    ("gha_expr", gha_expr),
    ("suppress", suppress),
    ("config", config),
    ("pipeline", pipeline),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && (span.end as usize) <= text.len(),
        "{what}: span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
        "{what}: span {span:?} not on character boundaries"
    );
}

fn check_diags(text: &str, diags: &[ParseDiagnostic]) {
    for d in diags {
        check_span(text, d.span, "diagnostic");
    }
}

/// Terraform: the same bytes as HCL (`main.tf`) and as JSON (`main.tf.json`).
pub fn hcl(data: &[u8]) {
    let text = text(data);
    for path in ["main.tf", "main.tf.json", "terraform.tfvars.json"] {
        let (tf, diags) = terraform::parse(&text, path);
        check_diags(&text, &diags);
        let mut stack: Vec<&terraform::Block> = tf.blocks.iter().collect();
        while let Some(block) = stack.pop() {
            check_span(&text, block.span, "block");
            check_span(&text, block.header_span, "block header");
            let _ = block.address();
            for attr in &block.attributes {
                check_span(&text, attr.span, "attribute");
                check_span(&text, attr.value_span, "attribute value");
                let _ = attr.value.to_json();
                let _ = attr.value.as_str();
            }
            stack.extend(block.blocks.iter());
        }
    }
}

/// YAML: the span-aware tree and the typed CI models built from it.
pub fn yaml(data: &[u8]) {
    let text = text(data);
    let (docs, diags) = yaml::parse(&text);
    check_diags(&text, &diags);
    for doc in &docs {
        let mut stack = vec![&doc.root];
        let mut visited = 0usize;
        while let Some(node) = stack.pop() {
            visited += 1;
            check_span(&text, node.span, "yaml node");
            let _ = yaml::node_text(&text, node);
            let _ = node.entries().count();
            if let Some(entries) = node.as_map() {
                for (k, v) in entries {
                    stack.push(k);
                    stack.push(v);
                }
            } else if let Some(items) = node.as_seq() {
                stack.extend(items.iter());
            }
        }
        assert!(
            visited <= yaml::MAX_NODES + 1,
            "tree walk visited {visited} nodes"
        );
    }
    if let Some(first) = docs.first() {
        let _ = Workflow::from_document(first);
        let _ = Action::from_document(first);
        let _ = Circleci::from_document(first);
    }
    let _ = GitlabCi::from_documents(&docs);
}

/// Dockerfile: instructions and the helpers rules call on them.
pub fn dockerfile(data: &[u8]) {
    let text = text(data);
    let (df, diags) = dockerfile::parse(&text);
    check_diags(&text, &diags);
    let _ = df.global_args();
    for ins in &df.instructions {
        check_span(&text, ins.span, "instruction");
        check_span(&text, ins.keyword_span, "keyword");
        check_span(&text, ins.args_span, "args");
        for piece in &ins.pieces {
            check_span(&text, *piece, "piece");
        }
        let _ = ins.run_script();
        let _ = ins.key_values(&text);
        let _ = df.resolve_args(&ins.args);
    }
    let _ = df.final_stage();
}

/// GitHub expressions: every `${{ }}` in the text, and the text as one expression.
pub fn gha_expr(data: &[u8]) {
    let text = text(data);
    for occ in gha_expr::find_expressions(&text) {
        check_span(&text, occ.span, "expression");
        check_span(&text, occ.inner, "expression body");
        if let Ok(expr) = occ.parse(&text) {
            let _ = expr.contexts();
        }
    }
    if let Ok(expr) = gha_expr::parse(&text) {
        let _ = expr.contexts();
    }
    let _ = gha_expr::path_matches("src/main.rs", &text);
}

/// Suppression comments, in a file of every comment style.
pub fn suppress(data: &[u8]) {
    let text = text(data);
    let file = SourceFile::new("main.tf".into(), FileKind::Terraform, text.clone());
    let ignores = crate::suppress::scan(&file);
    for ignore in &ignores {
        check_span(&text, ignore.span, "ignore comment");
        let _ = ignore.target_line();
        let _ = ignore.is_expired("2026-01-01");
    }
    let mut findings = Vec::new();
    let known = |key: &str| Registry::builtin().find(key).is_some();
    let problems = crate::suppress::apply(
        &mut findings,
        &ignores,
        &[(1, 3), (2, 2)],
        "2026-01-01",
        &known,
        &|_| true,
    );
    let _ = problems;
}

/// `devops-lint.toml`: parsing and validation (errors must render).
pub fn config(data: &[u8]) {
    let text = text(data);
    let lookup = |key: &str| Registry::builtin().find(key);
    if let Err(err) = Config::parse(&text, "devops-lint.toml", &lookup) {
        let _ = format!("{:?}", miette::Report::new(err));
    }
}

/// The paths the pipeline target picks from (first input byte), one per file kind.
pub const PIPELINE_PATHS: [&str; 12] = [
    "main.tf",
    "main.tf.json",
    "Dockerfile",
    ".github/workflows/ci.yml",
    "action.yml",
    ".gitlab-ci.yml",
    ".circleci/config.yml",
    "docker-compose.yml",
    "k8s/deploy.yaml",
    "package.json",
    ".env",
    "Jenkinsfile",
];

/// The whole single-file pipeline: classify, parse, every rule, suppressions,
/// then every output format. The first byte picks the file's path.
pub fn pipeline(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let path = PIPELINE_PATHS[usize::from(selector) % PIPELINE_PATHS.len()];
    let text = text(rest);
    let opts = ScanOptions {
        root: std::path::PathBuf::from("/nonexistent-fuzz-root"),
        paths: None,
        stage: Stage::Scale,
        select: Vec::new(),
        ignore: Vec::new(),
        jobs: 1,
        no_ignores: false,
        repo_rules: true,
        max_file_size: crate::discover::DEFAULT_MAX_FILE_SIZE,
        keep_texts: true,
    };
    let registry = Registry::builtin();
    let config = Config::default();
    let Ok(selection) = engine::select(registry, &config, &opts) else {
        return;
    };
    let result = engine::scan_text(&opts, &config, &selection, path, text);
    for f in &result.findings {
        if let Some(source) = result.sources.get(&f.location.path) {
            for span in &f.redactions {
                check_span(&source.text, *span, "secret");
            }
        }
    }
    for d in &result.diagnostics {
        assert!(!d.message.is_empty(), "empty diagnostic");
    }
    let render = RenderOptions::default();
    for format in [Format::Human, Format::Json, Format::Sarif] {
        let out = report::render(&result, format, &render);
        assert!(!out.is_empty());
    }
}
