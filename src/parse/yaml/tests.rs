use super::*;

fn one(text: &str) -> YamlDocument {
    let (mut docs, diags) = parse(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn slice<'a>(text: &'a str, node: &Node) -> &'a str {
    node_text(text, node)
}

const WORKFLOW: &str = "\
name: CI
on:
  push:
    branches: [main]
  pull_request_target:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Greet
        run: |
          echo \"${{ github.event.issue.title }}\"
          make test
      - run: echo done # trailing comment
";

#[test]
fn workflow_spans_are_exact() {
    let doc = one(WORKFLOW);
    let root = &doc.root;
    assert_eq!(root.span.start, 0);
    assert!(slice(WORKFLOW, root).ends_with("run: echo done"));
    let on = root.get("on").unwrap();
    assert_eq!(
        slice(WORKFLOW, on),
        "push:\n    branches: [main]\n  pull_request_target:"
    );
    let branches = on.get("push").unwrap().get("branches").unwrap();
    assert_eq!(slice(WORKFLOW, branches), "[main]");
    assert!(on.get("pull_request_target").unwrap().is_null());

    let steps = root
        .get("jobs")
        .unwrap()
        .get("build")
        .unwrap()
        .get("steps")
        .unwrap();
    assert!(slice(WORKFLOW, steps).starts_with("- uses: actions/checkout@v4\n"));
    assert!(slice(WORKFLOW, steps).ends_with("- run: echo done"));
    let items = steps.as_seq().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(slice(WORKFLOW, &items[0]), "uses: actions/checkout@v4");
    let uses = items[0].get("uses").unwrap();
    assert_eq!(uses.as_str(), Some("actions/checkout@v4"));
    assert_eq!(slice(WORKFLOW, uses), "actions/checkout@v4");

    let run = items[1].get("run").unwrap();
    assert_eq!(
        run.as_str(),
        Some("echo \"${{ github.event.issue.title }}\"\nmake test\n")
    );
    assert_eq!(
        slice(WORKFLOW, run),
        "|\n          echo \"${{ github.event.issue.title }}\"\n          make test"
    );
    // Rules find `${{` in the raw slice and offset by the node's start.
    let raw = node_text(WORKFLOW, run);
    let at = raw.find("${{").unwrap() + run.span.start as usize;
    assert_eq!(WORKFLOW.get(at..at + 7), Some("${{ git"));

    let last = items[2].get("run").unwrap();
    assert_eq!(slice(WORKFLOW, last), "echo done");
    let (key, key_node, _) = items[2].entries().next().unwrap();
    assert_eq!(key, "run");
    assert_eq!(slice(WORKFLOW, key_node), "run");
}

#[test]
fn block_scalars() {
    let text = "\
a: |+2 # header comment


   x
  y

# after
b: !!str >-
  folded
  text
c: |
d: >

  after blank
e: &lit |-
    indented
f: [x, y]
";
    let doc = one(text);
    let a = doc.get("a").unwrap();
    assert_eq!(slice(text, a), "|+2 # header comment\n\n\n   x\n  y");
    assert_eq!(a.as_str(), Some("\n\n x\ny\n\n"));
    assert_eq!(a.as_scalar().unwrap().style, ScalarStyle::Literal);
    let b = doc.get("b").unwrap();
    assert_eq!(slice(text, b), ">-\n  folded\n  text");
    assert_eq!(b.tag.as_deref(), Some("!!str"));
    assert_eq!(b.as_str(), Some("folded text"));
    assert_eq!(b.as_scalar().unwrap().style, ScalarStyle::Folded);
    let c = doc.get("c").unwrap();
    assert_eq!(slice(text, c), "|");
    assert_eq!(c.as_str(), Some(""));
    let d = doc.get("d").unwrap();
    assert_eq!(slice(text, d), ">\n\n  after blank");
    let e = doc.get("e").unwrap();
    assert_eq!(slice(text, e), "|-\n    indented");
    assert_eq!(e.anchor.as_deref(), Some("lit"));
    assert_eq!(slice(text, doc.get("f").unwrap()), "[x, y]");
}

#[test]
fn flow_collections_and_quotes() {
    let text = "env: {A: 'it''s', B: \"x\\ty\", C: [1, {d: e}], D: &n {}}\nlist: [ a , 'b' ]\n";
    let doc = one(text);
    let env = doc.get("env").unwrap();
    assert_eq!(
        slice(text, env),
        "{A: 'it''s', B: \"x\\ty\", C: [1, {d: e}], D: &n {}}"
    );
    let a = env.get("A").unwrap();
    assert_eq!(a.as_str(), Some("it's"));
    assert_eq!(slice(text, a), "'it''s'");
    assert_eq!(a.as_scalar().unwrap().style, ScalarStyle::SingleQuoted);
    let b = env.get("B").unwrap();
    assert_eq!(b.as_str(), Some("x\ty"));
    assert_eq!(slice(text, b), "\"x\\ty\"");
    let c = env.get("C").unwrap();
    assert_eq!(slice(text, c), "[1, {d: e}]");
    assert_eq!(slice(text, &c.as_seq().unwrap()[1]), "{d: e}");
    let d = env.get("D").unwrap();
    assert_eq!(slice(text, d), "{}");
    assert_eq!(d.as_map().map(<[_]>::len), Some(0));
    let list = doc.get("list").unwrap().as_seq().unwrap();
    assert_eq!(slice(text, &list[0]), "a");
    assert_eq!(slice(text, &list[1]), "'b'");
}

#[test]
fn anchors_and_merge_keys() {
    let text = "\
.base: &base
  image: ruby:3.2
  variables: &vars
    RAILS_ENV: test
  script:
    - bundle exec rake
.extra: &extra
  tags: [docker]
  image: ignored
test:
  <<: [*base, *extra]
  script:
    - rspec
  variables: *vars
lint:
  <<: *base
";
    let doc = one(text);
    let base = doc.get(".base").unwrap();
    assert_eq!(base.anchor.as_deref(), Some("base"));
    let test = doc.get("test").unwrap();
    // own key wins over the merged one
    let script = test.get("script").unwrap().as_seq().unwrap();
    assert_eq!(script[0].as_str(), Some("rspec"));
    // merged, earlier source wins
    let image = test.get("image").unwrap();
    assert_eq!(image.as_str(), Some("ruby:3.2"));
    assert_eq!(slice(text, image), "ruby:3.2");
    assert_eq!(image.span.start as usize, text.find("ruby:3.2").unwrap());
    assert_eq!(test.get("tags").unwrap().as_seq().unwrap().len(), 1);
    // alias value resolves transparently; spans point at the anchor's text
    let raw_vars = &test.as_map().unwrap()[2].1;
    assert!(raw_vars.is_alias());
    assert!(raw_vars.as_map().is_none());
    assert_eq!(slice(text, raw_vars), "*vars");
    assert_eq!(raw_vars.resolve().anchor.as_deref(), Some("vars"));
    let vars = test.get("variables").unwrap();
    assert!(!vars.is_alias());
    let env = vars.get("RAILS_ENV").unwrap();
    assert_eq!(env.as_str(), Some("test"));
    assert_eq!(slice(text, vars), "RAILS_ENV: test");
    let keys: Vec<&str> = test.entries().map(|(k, _, _)| k).collect();
    assert_eq!(keys, ["script", "variables", "image", "tags"]);
    let lint = doc.get("lint").unwrap();
    assert_eq!(lint.get("image").and_then(Node::as_str), Some("ruby:3.2"));
    assert_eq!(
        lint.get("script").unwrap().as_seq().unwrap()[0].as_str(),
        Some("bundle exec rake")
    );
    assert!(lint.get("tags").is_none());
}

#[test]
fn multi_document_stream() {
    let text = "\
apiVersion: v1
kind: Service
---
apiVersion: apps/v1
kind: Deployment
spec:
  replicas: 2
...
---
# empty-ish
kind: ConfigMap
";
    let (docs, diags) = parse(text);
    assert!(diags.is_empty());
    let kinds: Vec<_> = docs
        .iter()
        .filter_map(|d| d.get("kind")?.as_str())
        .collect();
    assert_eq!(kinds, ["Service", "Deployment", "ConfigMap"]);
    let replicas = docs[1].get("spec").unwrap().get("replicas").unwrap();
    assert_eq!(slice(text, replicas), "2");
    assert_eq!(replicas.span.start as usize, text.find("2\n...").unwrap());
}

#[test]
fn billion_laughs_costs_nothing() {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut prev = 'a';
    for c in 'b'..='z' {
        let items = vec![format!("*{prev}"); 9].join(", ");
        text.push_str(&format!("{c}: &{c} [{items}]\n"));
        prev = c;
    }
    text.push_str("m: &m {<<: [*a], k: v}\n");
    let mut merges = String::from("m");
    for i in 0..30 {
        text.push_str(&format!("m{i}: &m{i} {{<<: [*{merges}, *{merges}]}}\n"));
        merges = format!("m{i}");
    }
    text.push_str(&format!("last: {{<<: *{merges}}}\n"));
    let started = std::time::Instant::now();
    let doc = one(&text);
    let z = doc.get("z").unwrap().as_seq().unwrap();
    assert_eq!(z.len(), 9);
    assert!(z[0].is_alias());
    assert_eq!(z[0].resolve().as_seq().unwrap().len(), 9);
    // A merge bomb is visited a bounded number of times.
    assert!(doc.get("last").unwrap().get("nope").is_none());
    assert_eq!(
        doc.get("last").unwrap().get("k").and_then(Node::as_str),
        Some("v")
    );
    // Walking the tree with as_map/as_seq does not follow aliases: linear.
    let mut walked = 0usize;
    let mut stack = vec![&doc.root];
    while let Some(node) = stack.pop() {
        walked += 1;
        if let Some(entries) = node.as_map() {
            stack.extend(entries.iter().flat_map(|(k, v)| [k, v]));
        } else if let Some(items) = node.as_seq() {
            stack.extend(items);
        }
    }
    assert!(walked < 2_000, "{walked}");
    let printed = format!("{doc:?}");
    assert!(printed.len() < 1_000_000);
    drop(doc);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

fn in_small_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn deep_flow_nesting_is_a_diagnostic() {
    let (docs, diags) = in_small_thread(|| parse(&"[".repeat(100_000)));
    assert!(docs.is_empty());
    assert_eq!(diags.len(), 1);
}

#[test]
fn deep_block_nesting_is_a_diagnostic() {
    let text = "- ".repeat(100_000) + "x\n";
    let (docs, diags) = in_small_thread(move || parse(&text));
    assert!(docs.is_empty());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].message.contains("deeper than 512"));
    assert_eq!(diags[0].span.start, 1024);
}

#[test]
fn deep_but_allowed_tree_builds_and_drops() {
    let depth = MAX_DEPTH - 1;
    let text = format!("{}x\n", "- ".repeat(depth));
    in_small_thread(move || {
        let (docs, diags) = parse(&text);
        assert!(diags.is_empty());
        let mut node = &docs[0].root;
        let mut levels = 0;
        while let Some(items) = node.as_seq() {
            node = &items[0];
            levels += 1;
        }
        assert_eq!(levels, depth);
        assert_eq!(node.as_str(), Some("x"));
        assert_eq!(node.span.start as usize, 2 * depth);
    });
}

#[test]
fn later_documents_survive_a_too_deep_one() {
    let text = format!("{}x\n---\nok: 1\n", "- ".repeat(600));
    let (docs, diags) = parse(&text);
    assert_eq!(diags.len(), 1);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].get("ok").and_then(Node::as_str), Some("1"));
}

#[test]
fn syntax_error_after_multibyte_text() {
    let text = "name: \"déjà vu ✓\"\n---\nkey: \"unterminated ü\nnext: [1, 2\n";
    let (docs, diags) = parse(text);
    assert_eq!(docs.len(), 1);
    assert_eq!(
        docs[0].get("name").and_then(Node::as_str),
        Some("déjà vu ✓")
    );
    assert_eq!(diags.len(), 1);
    // saphyr counts chars (27 here); the diagnostic is in bytes, on the opening quote.
    let at = diags[0].span.start as usize;
    assert_eq!(at, text.find("\"unterminated").unwrap());
    assert_eq!(text.get(diags[0].span.range()), Some("\""));
    assert!(diags[0].message.starts_with("YAML syntax error"));

    let text = "é: x\nü: [a, b\n";
    let (_, diags) = parse(text);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].span, Span::new(text.len(), text.len()));

    let text = "ключ: значение\n  bad: indent\n";
    let (_, diags) = parse(text);
    assert_eq!(diags.len(), 1);
    let at = diags[0].span.start as usize;
    assert_eq!(text.get(at..at + 1), Some(":"));
}

#[test]
fn crlf_and_bom() {
    let text = "\u{feff}name: CI\r\nrun: |\r\n  echo é\r\n  make\r\nlist:\r\n  - a\r\n";
    let doc = one(text);
    let name = doc.get("name").unwrap();
    assert_eq!(slice(text, name), "CI");
    let run = doc.get("run").unwrap();
    assert_eq!(slice(text, run), "|\r\n  echo é\r\n  make");
    assert_eq!(run.as_str(), Some("echo é\nmake\n"));
    let list = doc.get("list").unwrap();
    assert_eq!(slice(text, list), "- a");
    assert_eq!(slice(text, &doc.root).get(..4), Some("name"));
}

#[test]
fn tabs_are_errors() {
    let text = "jobs:\n\tbuild: x\n";
    let (docs, diags) = parse(text);
    assert!(docs.is_empty());
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.contains("tab"), "{}", diags[0].message);
    assert_eq!(diags[0].span.start, 7);
}

#[test]
fn scalar_helpers() {
    let text = "a: ~\nb: null\nc:\nd: 'null'\ne: true\nf: False\ng: yes\nh: \"true\"\n";
    let doc = one(text);
    assert!(doc.get("a").unwrap().is_null());
    assert!(doc.get("b").unwrap().is_null());
    assert!(doc.get("c").unwrap().is_null());
    assert!(!doc.get("d").unwrap().is_null());
    assert_eq!(doc.get("e").unwrap().as_bool(), Some(true));
    assert_eq!(doc.get("f").unwrap().as_bool(), Some(false));
    assert_eq!(doc.get("g").unwrap().as_bool(), None);
    assert_eq!(doc.get("h").unwrap().as_bool(), None);
    assert!(doc.root.as_seq().is_none());
    assert!(doc.get("a").unwrap().get("x").is_none());
}

#[test]
fn tags_and_empty_input() {
    let text = "script:\n  - !reference [.setup, script]\n  - echo hi\n";
    let doc = one(text);
    let script = doc.get("script").unwrap().as_seq().unwrap();
    assert_eq!(script[0].tag.as_deref(), Some("!reference"));
    assert_eq!(slice(text, &script[0]), "[.setup, script]");
    assert!(parse("").0.is_empty());
    assert!(parse("# only a comment\n").1.is_empty());
}

#[test]
fn trees_are_shareable_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<YamlDocument>();
    send_sync::<Node>();
}

#[test]
fn never_panics_on_garbage() {
    let samples = [
        "{",
        "}",
        "[",
        "]",
        ": :",
        "- - -\n  - ]",
        "&a",
        "*a",
        "!<",
        "! ",
        "? ",
        "'",
        "\"",
        "|",
        ">",
        "a: |\n\t",
        "%YAML 1.2\n---",
        "%TAG",
        "--- |\n x",
        "a: &b *c",
        "key: [&",
        "\u{feff}",
        "\r",
        "- \u{2028}",
        "a: b: c",
        "{a: [}",
        "&x &y z",
        "!!str &a !x",
    ];
    for s in samples {
        let _ = parse(s);
        for cut in 0..s.len() {
            if let Some(prefix) = s.get(..cut) {
                let _ = parse(prefix);
            }
        }
    }
}
