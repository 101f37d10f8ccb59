//! Dependency manifests: which packages an application declares, with where.
//!
//! Light parsers, one per format: serde_json for JSON, the `toml` crate for
//! TOML, and line scanning for the rest (Gemfile, go.mod, Maven, Gradle, Mix,
//! csproj, requirements files, setup.py/setup.cfg). They never fail: whatever
//! cannot be read is simply not a dependency.

use std::sync::LazyLock;

use regex::Regex;

use super::{loc_at, loc_line1, Location};
use crate::source::SourceFile;

/// One dependency manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Manifest {
    pub path: String,
    /// `npm`, `pypi`, `rubygems`, `go`, `cargo`, `maven`, `gradle`, `composer`, `hex`, `nuget`.
    pub ecosystem: &'static str,
    /// Where the runtime dependencies are declared (their section), else line 1.
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
    pub dependencies: Vec<Dependency>,
    /// Named scripts (package.json and composer.json `scripts`), for CI command resolution.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<(String, String)>,
    /// package.json holds a `renovate` configuration.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub renovate: bool,
}

impl Manifest {
    pub(crate) fn runtime_dependencies(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().filter(|d| d.runtime)
    }

    pub(crate) fn has_runtime_dependencies(&self) -> bool {
        self.runtime_dependencies().next().is_some()
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Dependency {
    /// As declared (Maven/Gradle: `group:artifact`; Python names normalised: lower case, `-`).
    pub name: String,
    /// A direct dependency of the running program: not dev/test/build-only, not indirect.
    pub runtime: bool,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

/// Whether `path` is a manifest this module reads (beyond what `discover` classifies as
/// one: `dev-requirements.txt`, `requirements/base.txt`, `requirements.in`).
pub(crate) fn is_manifest_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    crate::discover::is_manifest_name(name) || is_requirements(&lower, name)
}

fn is_requirements(lower_path: &str, name: &str) -> bool {
    (name.ends_with(".txt") || name.ends_with(".in"))
        && (name.starts_with("requirements")
            || name.ends_with("requirements.txt")
            || name.ends_with("requirements.in")
            || lower_path.contains("requirements/"))
}

/// Parses a manifest; `None` when the file is not one.
pub(crate) fn parse(file: &SourceFile) -> Option<Manifest> {
    let lower = file.path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower).to_string();
    let mut m = Manifest {
        path: file.path.clone(),
        ecosystem: "",
        location: loc_line1(file),
        dependencies: Vec::new(),
        scripts: Vec::new(),
        renovate: false,
    };
    match name.as_str() {
        "package.json" => {
            m.ecosystem = "npm";
            package_json(file, &mut m);
        }
        "composer.json" => {
            m.ecosystem = "composer";
            composer_json(file, &mut m);
        }
        "pyproject.toml" => {
            m.ecosystem = "pypi";
            pyproject(file, &mut m);
        }
        "pipfile" => {
            m.ecosystem = "pypi";
            pipfile(file, &mut m);
        }
        "cargo.toml" => {
            m.ecosystem = "cargo";
            cargo_toml(file, &mut m);
        }
        "gemfile" => {
            m.ecosystem = "rubygems";
            gemfile(file, &mut m);
        }
        "go.mod" => {
            m.ecosystem = "go";
            go_mod(file, &mut m);
        }
        "pom.xml" => {
            m.ecosystem = "maven";
            pom_xml(file, &mut m);
        }
        "build.gradle" | "build.gradle.kts" => {
            m.ecosystem = "gradle";
            gradle(file, &mut m);
        }
        "mix.exs" => {
            m.ecosystem = "hex";
            mix_exs(file, &mut m);
        }
        "setup.py" => {
            m.ecosystem = "pypi";
            setup_py(file, &mut m);
        }
        "setup.cfg" => {
            m.ecosystem = "pypi";
            setup_cfg(file, &mut m);
        }
        n if n.ends_with(".csproj") => {
            m.ecosystem = "nuget";
            csproj(file, &mut m);
        }
        n if is_requirements(&lower, n) => {
            m.ecosystem = "pypi";
            requirements(file, &mut m, requirements_are_dev(&lower));
        }
        _ => return None,
    }
    Some(m)
}

/// Python package names compare case-insensitively with `-`, `_` and `.` alike.
pub(crate) fn normalise_python(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['_', '.'], "-")
}

/// The byte offset of `needle` at or after `from`, if any.
fn find_from(text: &str, needle: &str, from: usize) -> Option<usize> {
    text.get(from..)?.find(needle).map(|i| i + from)
}

/// A dependency located at the first `"name"` (or bare `name`) after `from`.
fn dep_at(file: &SourceFile, name: &str, runtime: bool, from: usize, quoted: bool) -> Dependency {
    let needle = if quoted {
        format!("\"{name}\"")
    } else {
        name.to_string()
    };
    let location = match find_from(&file.text, &needle, from) {
        Some(at) => loc_at(file, at, at + needle.len()),
        None => loc_at(file, from, from),
    };
    Dependency {
        name: name.to_string(),
        runtime,
        location,
    }
}

/// The offset of a JSON key `"key"` followed by `:`.
fn json_key_offset(text: &str, key: &str) -> Option<usize> {
    let needle = format!("\"{key}\"");
    let mut from = 0;
    while let Some(at) = find_from(text, &needle, from) {
        let rest = text[at + needle.len()..].trim_start();
        if rest.starts_with(':') {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

fn json_section(
    file: &SourceFile,
    m: &mut Manifest,
    doc: &serde_json::Value,
    key: &str,
    runtime: bool,
    skip: fn(&str) -> bool,
) {
    let Some(obj) = doc.get(key).and_then(|v| v.as_object()) else {
        return;
    };
    let offset = json_key_offset(&file.text, key).unwrap_or(0);
    if runtime && !obj.is_empty() {
        m.location = loc_at(file, offset, offset + key.len() + 2);
    }
    for name in obj.keys() {
        if skip(name) {
            continue;
        }
        m.dependencies
            .push(dep_at(file, name, runtime, offset, true));
    }
}

fn json_scripts(m: &mut Manifest, doc: &serde_json::Value) {
    if let Some(scripts) = doc.get("scripts").and_then(|v| v.as_object()) {
        for (name, cmd) in scripts {
            let command = match cmd {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(" && "),
                _ => continue,
            };
            m.scripts.push((name.clone(), command));
        }
    }
}

fn package_json(file: &SourceFile, m: &mut Manifest) {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&file.text) else {
        return;
    };
    let none = |_: &str| false;
    json_section(file, m, &doc, "devDependencies", false, none);
    json_section(file, m, &doc, "peerDependencies", false, none);
    json_section(file, m, &doc, "optionalDependencies", true, none);
    json_section(file, m, &doc, "dependencies", true, none);
    json_scripts(m, &doc);
    m.renovate = doc.get("renovate").is_some() || doc.get("renovate-config").is_some();
}

fn composer_json(file: &SourceFile, m: &mut Manifest) {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&file.text) else {
        return;
    };
    let platform = |n: &str| n == "php" || n.starts_with("ext-") || n.starts_with("lib-");
    json_section(file, m, &doc, "require-dev", false, platform);
    json_section(file, m, &doc, "require", true, platform);
    json_scripts(m, &doc);
}

/// The name of a PEP 508 requirement (`requests[socks]>=2; python_version<"3.8"`).
fn pep508_name(req: &str) -> Option<String> {
    let req = req.trim();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(req.len());
    let name = &req[..end];
    (!name.is_empty()).then(|| normalise_python(name))
}

fn toml_table(file: &SourceFile) -> Option<toml::Table> {
    toml::from_str::<toml::Table>(&file.text).ok()
}

/// The offset of a TOML table header `[name]` (also `[name.x]`), for locations.
fn toml_header_offset(text: &str, header: &str) -> Option<usize> {
    let needle = format!("[{header}]");
    find_from(text, &needle, 0)
}

fn is_dev_group(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "dev", "test", "lint", "doc", "typing", "ci", "bench", "format", "style",
    ]
    .iter()
    .any(|g| n.contains(g))
}

fn push_python(file: &SourceFile, m: &mut Manifest, name: &str, runtime: bool, from: usize) {
    if name == "python" {
        return;
    }
    let mut dep = dep_at(file, name, runtime, from, false);
    // NOTE: the declared spelling may differ from the normalised one; fall back to the section.
    dep.name = normalise_python(name);
    m.dependencies.push(dep);
}

fn pyproject(file: &SourceFile, m: &mut Manifest) {
    let Some(doc) = toml_table(file) else {
        return;
    };
    let text = &file.text;
    if let Some(project) = doc.get("project").and_then(|v| v.as_table()) {
        let from = toml_header_offset(text, "project").unwrap_or(0);
        if let Some(deps) = project.get("dependencies").and_then(|v| v.as_array()) {
            let at = find_from(text, "dependencies", from).unwrap_or(from);
            if !deps.is_empty() {
                m.location = loc_at(file, at, at + "dependencies".len());
            }
            for d in deps.iter().filter_map(|d| d.as_str()) {
                if let Some(name) = pep508_name(d) {
                    push_python(file, m, &name, true, at);
                }
            }
        }
        if let Some(extras) = project
            .get("optional-dependencies")
            .and_then(|v| v.as_table())
        {
            for (group, deps) in extras {
                let runtime = !is_dev_group(group);
                for d in deps
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.as_str())
                {
                    if let Some(name) = pep508_name(d) {
                        push_python(file, m, &name, runtime, from);
                    }
                }
            }
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(|v| v.as_table()) {
        let from = toml_header_offset(text, "dependency-groups").unwrap_or(0);
        for deps in groups.values() {
            for d in deps
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str())
            {
                if let Some(name) = pep508_name(d) {
                    push_python(file, m, &name, false, from);
                }
            }
        }
    }
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.as_table());
    if let Some(poetry) = poetry {
        if let Some(deps) = poetry.get("dependencies").and_then(|v| v.as_table()) {
            let from = toml_header_offset(text, "tool.poetry.dependencies").unwrap_or(0);
            if deps.keys().any(|k| k != "python") {
                m.location = loc_at(file, from, from + "[tool.poetry.dependencies]".len());
            }
            for name in deps.keys() {
                push_python(file, m, name, true, from);
            }
        }
        if let Some(deps) = poetry.get("dev-dependencies").and_then(|v| v.as_table()) {
            let from = toml_header_offset(text, "tool.poetry.dev-dependencies").unwrap_or(0);
            for name in deps.keys() {
                push_python(file, m, name, false, from);
            }
        }
        if let Some(groups) = poetry.get("group").and_then(|v| v.as_table()) {
            for (group, body) in groups {
                let runtime = !is_dev_group(group);
                let header = format!("tool.poetry.group.{group}.dependencies");
                let from = toml_header_offset(text, &header).unwrap_or(0);
                let deps = body.get("dependencies").and_then(|v| v.as_table());
                for name in deps.into_iter().flat_map(|d| d.keys()) {
                    push_python(file, m, name, runtime, from);
                }
            }
        }
    }
}

fn pipfile(file: &SourceFile, m: &mut Manifest) {
    let Some(doc) = toml_table(file) else {
        return;
    };
    for (section, runtime) in [("packages", true), ("dev-packages", false)] {
        let Some(deps) = doc.get(section).and_then(|v| v.as_table()) else {
            continue;
        };
        let from = toml_header_offset(&file.text, section).unwrap_or(0);
        if runtime && !deps.is_empty() {
            m.location = loc_at(file, from, from + section.len() + 2);
        }
        for name in deps.keys() {
            push_python(file, m, name, runtime, from);
        }
    }
}

fn cargo_toml(file: &SourceFile, m: &mut Manifest) {
    let Some(doc) = toml_table(file) else {
        return;
    };
    let text = &file.text;
    let mut sections: Vec<(String, &toml::Table, bool)> = Vec::new();
    for (key, runtime) in [
        ("dependencies", true),
        ("dev-dependencies", false),
        ("build-dependencies", false),
    ] {
        if let Some(t) = doc.get(key).and_then(|v| v.as_table()) {
            sections.push((key.to_string(), t, runtime));
        }
    }
    if let Some(t) = doc
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|v| v.as_table())
    {
        sections.push(("workspace.dependencies".into(), t, true));
    }
    if let Some(targets) = doc.get("target").and_then(|v| v.as_table()) {
        for body in targets.values() {
            if let Some(t) = body.get("dependencies").and_then(|v| v.as_table()) {
                sections.push(("dependencies".into(), t, true));
            }
        }
    }
    for (header, deps, runtime) in sections {
        let from = toml_header_offset(text, &header).unwrap_or(0);
        if runtime && !deps.is_empty() && m.dependencies.iter().all(|d| !d.runtime) {
            m.location = loc_at(file, from, from + header.len() + 2);
        }
        for (key, spec) in deps {
            let name = spec
                .get("package")
                .and_then(|p| p.as_str())
                .unwrap_or(key.as_str());
            let mut dep = dep_at(file, key, runtime, from, false);
            dep.name = name.to_string();
            m.dependencies.push(dep);
        }
    }
}

static GEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*gem\s*\(?\s*['"]([^'"]+)['"]"#).expect("valid regex"));

fn gemfile(file: &SourceFile, m: &mut Manifest) {
    // A stack of `do` blocks: whether each is a dev/test-only group.
    let mut blocks: Vec<bool> = Vec::new();
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let code = line.split('#').next().unwrap_or("").trim();
        if code.is_empty() {
            continue;
        }
        if let Some(caps) = GEM.captures(line) {
            let m0 = caps.get(1).expect("group 1");
            let inline_dev = code.contains("group:") && !code.contains(":production");
            let dev = blocks.iter().any(|d| *d) || inline_dev;
            m.dependencies.push(Dependency {
                name: m0.as_str().to_string(),
                runtime: !dev,
                location: loc_at(file, start + m0.start(), start + m0.end()),
            });
            continue;
        }
        let opens = code.ends_with(" do") || code.contains(" do |") || code == "do";
        if opens {
            let is_group = code.starts_with("group");
            let dev = is_group && !code.contains(":production") && !code.contains(":default");
            blocks.push(dev);
        } else if code == "end" {
            blocks.pop();
        }
    }
}

fn go_mod(file: &SourceFile, m: &mut Manifest) {
    let mut in_require = false;
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        let spec = if in_require {
            if trimmed.starts_with(')') {
                in_require = false;
                continue;
            }
            trimmed
        } else if let Some(rest) = trimmed.strip_prefix("require") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_require = true;
                if m.dependencies.is_empty() {
                    let at = start + (line.len() - line.trim_start().len());
                    m.location = loc_at(file, at, at + "require".len());
                }
                continue;
            }
            rest
        } else {
            continue;
        };
        let module = spec.split_whitespace().next().unwrap_or("");
        if module.is_empty() || module.starts_with("//") {
            continue;
        }
        let at = start + line.find(module).unwrap_or(0);
        m.dependencies.push(Dependency {
            name: module.to_string(),
            runtime: !spec.contains("// indirect"),
            location: loc_at(file, at, at + module.len()),
        });
    }
}

static XML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<(groupId|artifactId|scope)>\s*([^<\s]+)\s*</").expect("valid regex")
});

fn pom_xml(file: &SourceFile, m: &mut Manifest) {
    let text = &file.text;
    let mut from = 0;
    while let Some(start) = find_from(text, "<dependency>", from) {
        let end = find_from(text, "</dependency>", start).unwrap_or(text.len());
        from = end.max(start + 1);
        let body = &text[start..end];
        let (mut group, mut artifact, mut scope) = (None, None, None);
        for caps in XML_TAG.captures_iter(body) {
            let value = caps.get(2).map(|v| v.as_str().to_string());
            match caps.get(1).map(|t| t.as_str()) {
                Some("groupId") => group = value,
                Some("artifactId") => artifact = value,
                Some("scope") => scope = value,
                _ => {}
            }
        }
        let Some(artifact) = artifact else {
            continue;
        };
        let name = match group {
            Some(g) => format!("{g}:{artifact}"),
            None => artifact,
        };
        let runtime = !matches!(scope.as_deref(), Some("test" | "provided" | "system"));
        if runtime && m.dependencies.iter().all(|d| !d.runtime) {
            m.location = loc_at(file, start, start + "<dependency>".len());
        }
        m.dependencies.push(Dependency {
            name,
            runtime,
            location: loc_at(file, start, start + "<dependency>".len()),
        });
    }
}

static GRADLE_DEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*([A-Za-z]+)\s*\(?\s*(?:platform\s*\(\s*)?["']([^"':\s$]+):([^"':\s$]+)"#)
        .expect("valid regex")
});
static GRADLE_MAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*([A-Za-z]+)\s*\(?\s*group\s*[:=]\s*["']([^"']+)["']\s*,\s*name\s*[:=]\s*["']([^"']+)["']"#)
        .expect("valid regex")
});
static GRADLE_PLUGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*id\s*\(?\s*["']([A-Za-z0-9_.-]+)["']"#).expect("valid regex")
});

fn gradle(file: &SourceFile, m: &mut Manifest) {
    const CONFIGS: &[&str] = &[
        "implementation",
        "api",
        "compile",
        "runtimeOnly",
        "runtime",
        "compileOnly",
        "testImplementation",
        "testCompile",
        "testRuntimeOnly",
        "testCompileOnly",
        "androidTestImplementation",
        "debugImplementation",
        "releaseImplementation",
        "annotationProcessor",
        "kapt",
        "ksp",
        "developmentOnly",
    ];
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let found = GRADLE_DEP
            .captures(line)
            .or_else(|| GRADLE_MAP.captures(line));
        if let Some(caps) = found {
            let config = caps.get(1).map(|c| c.as_str()).unwrap_or("");
            if !CONFIGS.contains(&config) {
                continue;
            }
            let (Some(g), Some(a)) = (caps.get(2), caps.get(3)) else {
                continue;
            };
            let lower = config.to_ascii_lowercase();
            let runtime = !(lower.starts_with("test")
                || lower.starts_with("androidtest")
                || lower.starts_with("debug")
                || lower == "compileonly"
                || lower == "annotationprocessor"
                || lower == "kapt"
                || lower == "ksp"
                || lower == "developmentonly");
            if runtime && m.dependencies.iter().all(|d| !d.runtime) {
                m.location = loc_at(file, start + g.start(), start + a.end());
            }
            m.dependencies.push(Dependency {
                name: format!("{}:{}", g.as_str(), a.as_str()),
                runtime,
                location: loc_at(file, start + g.start(), start + a.end()),
            });
        } else if let Some(caps) = GRADLE_PLUGIN.captures(line) {
            let id = caps.get(1).expect("group 1");
            m.dependencies.push(Dependency {
                name: id.as_str().to_string(),
                runtime: true,
                location: loc_at(file, start + id.start(), start + id.end()),
            });
        }
    }
}

static MIX_DEP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\s*:([a-z0-9_]+)\s*,").expect("valid regex"));

fn mix_exs(file: &SourceFile, m: &mut Manifest) {
    let Some(deps_at) = find_from(&file.text, "defp deps", 0) else {
        return;
    };
    m.location = loc_at(file, deps_at, deps_at + "defp deps".len());
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if start < deps_at {
            continue;
        }
        if let Some(caps) = MIX_DEP.captures(line) {
            let name = caps.get(1).expect("group 1");
            let runtime = match line.find("only:") {
                Some(i) => line[i..].contains(":prod"),
                None => true,
            };
            m.dependencies.push(Dependency {
                name: name.as_str().to_string(),
                runtime,
                location: loc_at(file, start + name.start(), start + name.end()),
            });
        }
    }
}

static CSPROJ_DEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<PackageReference\s+(?:Include|Update)\s*=\s*"([^"]+)"([^>]*)"#)
        .expect("valid regex")
});

fn csproj(file: &SourceFile, m: &mut Manifest) {
    for caps in CSPROJ_DEP.captures_iter(&file.text) {
        let name = caps.get(1).expect("group 1");
        let rest = caps.get(2).map(|r| r.as_str()).unwrap_or("");
        let runtime = !rest.to_ascii_lowercase().contains("privateassets=\"all\"");
        m.dependencies.push(Dependency {
            name: name.as_str().to_string(),
            runtime,
            location: loc_at(file, name.start(), name.end()),
        });
    }
}

fn requirements_are_dev(lower_path: &str) -> bool {
    let name = lower_path.rsplit('/').next().unwrap_or(lower_path);
    let dir_dev = lower_path
        .rsplit('/')
        .nth(1)
        .is_some_and(|d| d != "requirements" && is_dev_group(d));
    is_dev_group(name.trim_end_matches(".txt").trim_end_matches(".in")) || dir_dev
}

fn requirements(file: &SourceFile, m: &mut Manifest, dev: bool) {
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let code = line.split(" #").next().unwrap_or("").trim();
        if code.is_empty() || code.starts_with('#') {
            continue;
        }
        let name = if code.starts_with('-') {
            // `-e git+https://...#egg=name`; other options (-r, -c, --hash) declare nothing.
            match code.split_once("#egg=") {
                Some((_, egg)) => pep508_name(egg),
                None => None,
            }
        } else if code.contains("://") && !code.contains(" @ ") {
            None
        } else {
            pep508_name(code)
        };
        let Some(name) = name else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let len = code.len().min(line.len() - indent);
        m.dependencies.push(Dependency {
            name,
            runtime: !dev,
            location: loc_at(file, start + indent, start + indent + len),
        });
    }
}

static SETUP_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)(install_requires|tests_require|setup_requires)\s*=\s*\[(.*?)\]")
        .expect("valid regex")
});
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["']([^"']+)["']"#).expect("valid regex"));

fn setup_py(file: &SourceFile, m: &mut Manifest) {
    for caps in SETUP_LIST.captures_iter(&file.text) {
        let runtime = caps
            .get(1)
            .is_some_and(|k| k.as_str() == "install_requires");
        let Some(list) = caps.get(2) else {
            continue;
        };
        for q in QUOTED.captures_iter(list.as_str()) {
            let Some(s) = q.get(1) else {
                continue;
            };
            if let Some(name) = pep508_name(s.as_str()) {
                let at = list.start() + s.start();
                m.dependencies.push(Dependency {
                    name,
                    runtime,
                    location: loc_at(file, at, at + s.len()),
                });
            }
        }
    }
}

fn setup_cfg(file: &SourceFile, m: &mut Manifest) {
    let mut section = String::new();
    let mut key: Option<bool> = None;
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_string();
            key = None;
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if !indented {
            key = None;
            if let Some((k, v)) = trimmed.split_once('=') {
                let k = k.trim();
                if section == "[options]" && k == "install_requires" {
                    key = Some(true);
                } else if section == "[options]" && k == "tests_require" {
                    key = Some(false);
                }
                if let (Some(runtime), Some(name)) = (key, pep508_name(v)) {
                    let at = start + line.find(v.trim()).unwrap_or(0);
                    m.dependencies.push(Dependency {
                        name,
                        runtime,
                        location: loc_at(file, at, at + v.trim().len()),
                    });
                }
            }
            continue;
        }
        if let (Some(runtime), Some(name)) = (key, pep508_name(trimmed)) {
            if trimmed.starts_with('#') {
                continue;
            }
            let at = start + (line.len() - line.trim_start().len());
            m.dependencies.push(Dependency {
                name,
                runtime,
                location: loc_at(file, at, at + trimmed.len()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    fn deps(path: &str, text: &str) -> Vec<(String, bool, u32)> {
        let file = SourceFile::new(path.into(), FileKind::Manifest, text.into());
        parse(&file)
            .expect("a manifest")
            .dependencies
            .into_iter()
            .map(|d| (d.name, d.runtime, d.location.start.line))
            .collect()
    }

    fn names(path: &str, text: &str) -> Vec<String> {
        deps(path, text)
            .into_iter()
            .filter(|d| d.1)
            .map(|d| d.0)
            .collect()
    }

    #[test]
    fn package_json_sections_and_lines() {
        let text = "{\n  \"dependencies\": {\n    \"@sentry/node\": \"^7\",\n    \"express\": \"^4\"\n  },\n  \"devDependencies\": { \"jest\": \"29\" },\n  \"renovate\": {}\n}\n";
        let d = deps("package.json", text);
        assert!(d.contains(&("@sentry/node".into(), true, 3)));
        assert!(d.contains(&("express".into(), true, 4)));
        assert!(d.contains(&("jest".into(), false, 6)));
        let file = SourceFile::new("package.json".into(), FileKind::Manifest, text.into());
        let m = parse(&file).expect("manifest");
        assert!(m.renovate);
        assert_eq!(m.location.start.line, 2);
    }

    #[test]
    fn requirements_and_dev_files() {
        let text = "# app\nsentry-sdk[flask]==1.40\nDjango>=4 ; python_version>'3'\n-r base.txt\n-e git+https://x/y.git#egg=My_Pkg\nhttps://example.com/a.whl\n";
        assert_eq!(
            names("requirements.txt", text),
            ["sentry-sdk", "django", "my-pkg"]
        );
        assert!(names("requirements-dev.txt", text).is_empty());
        assert!(names("requirements/test.txt", text).is_empty());
        assert_eq!(names("requirements/base.txt", text).len(), 3);
        assert!(is_manifest_path("dev-requirements.txt"));
        assert!(is_manifest_path("requirements/prod.txt"));
    }

    #[test]
    fn pyproject_pep621_and_poetry() {
        let text = "[project]\nname = \"x\"\ndependencies = [\"newrelic>=9\", \"fastapi\"]\n[project.optional-dependencies]\ntest = [\"pytest\"]\n[tool.poetry.dependencies]\npython = \"^3.11\"\nSentry_SDK = \"*\"\n[tool.poetry.group.dev.dependencies]\nruff = \"*\"\n";
        let d = deps("pyproject.toml", text);
        assert!(d.contains(&("newrelic".into(), true, 3)));
        assert!(
            d.contains(&("pytest".into(), false, 1)) || d.iter().any(|x| x.0 == "pytest" && !x.1)
        );
        assert!(d.iter().any(|x| x.0 == "sentry-sdk" && x.1));
        assert!(d.iter().any(|x| x.0 == "ruff" && !x.1));
        assert!(!d.iter().any(|x| x.0 == "python"));
    }

    #[test]
    fn pipfile_cargo_composer() {
        assert_eq!(
            names(
                "Pipfile",
                "[packages]\nrollbar = \"*\"\n[dev-packages]\npytest = \"*\"\n"
            ),
            ["rollbar"]
        );
        let cargo = "[package]\nname = \"x\"\n[dependencies]\nsentry = \"0.32\"\nfoo = { package = \"bar\", version = \"1\" }\n[dev-dependencies]\ninsta = \"1\"\n";
        assert_eq!(names("Cargo.toml", cargo), ["bar", "sentry"]);
        let composer = "{\"require\": {\"php\": \">=8\", \"sentry/sentry-laravel\": \"^4\"}, \"require-dev\": {\"phpunit/phpunit\": \"^10\"}, \"scripts\": {\"test\": \"phpunit\"}}";
        assert_eq!(names("composer.json", composer), ["sentry/sentry-laravel"]);
    }

    #[test]
    fn gemfile_groups() {
        let text = "source 'https://rubygems.org'\ngem 'rails', '~> 7'\ngem \"honeybadger\"\ngroup :development, :test do\n  gem 'rspec-rails'\nend\ngem 'rubocop', group: :development\n";
        let d = deps("Gemfile", text);
        assert_eq!(
            d,
            vec![
                ("rails".into(), true, 2),
                ("honeybadger".into(), true, 3),
                ("rspec-rails".into(), false, 5),
                ("rubocop".into(), false, 7)
            ]
        );
    }

    #[test]
    fn go_mod_direct_and_indirect() {
        let text = "module x\n\ngo 1.22\n\nrequire (\n\tgithub.com/getsentry/sentry-go v0.27.0\n\tgolang.org/x/sys v0.1.0 // indirect\n)\n\nrequire github.com/prometheus/client_golang v1.19.0\n";
        let d = deps("go.mod", text);
        assert_eq!(
            d,
            vec![
                ("github.com/getsentry/sentry-go".into(), true, 6),
                ("golang.org/x/sys".into(), false, 7),
                ("github.com/prometheus/client_golang".into(), true, 10)
            ]
        );
    }

    #[test]
    fn maven_gradle_mix_csproj() {
        let pom = "<project><dependencies>\n<dependency>\n<groupId>io.sentry</groupId>\n<artifactId>sentry-spring-boot-starter</artifactId>\n</dependency>\n<dependency><groupId>junit</groupId><artifactId>junit</artifactId><scope>test</scope></dependency>\n</dependencies></project>\n";
        assert_eq!(
            names("pom.xml", pom),
            ["io.sentry:sentry-spring-boot-starter"]
        );
        let gradle = "plugins {\n  id 'io.sentry.jvm.gradle' version '4.0.0'\n}\ndependencies {\n  implementation(\"io.micrometer:micrometer-registry-prometheus:1.12.0\")\n  testImplementation 'org.junit.jupiter:junit-jupiter:5.10.0'\n  implementation group: 'com.bugsnag', name: 'bugsnag', version: '3.7.1'\n}\n";
        assert_eq!(
            names("build.gradle", gradle),
            [
                "io.sentry.jvm.gradle",
                "io.micrometer:micrometer-registry-prometheus",
                "com.bugsnag:bugsnag"
            ]
        );
        let mix = "defmodule X.MixProject do\n  defp deps do\n    [\n      {:sentry, \"~> 10.0\"},\n      {:credo, \"~> 1.7\", only: [:dev, :test]}\n    ]\n  end\nend\n";
        assert_eq!(names("mix.exs", mix), ["sentry"]);
        let csproj = "<Project><ItemGroup><PackageReference Include=\"Sentry.AspNetCore\" Version=\"4.0.0\" /><PackageReference Include=\"StyleCop.Analyzers\" PrivateAssets=\"all\" /></ItemGroup></Project>";
        assert_eq!(names("api/Api.csproj", csproj), ["Sentry.AspNetCore"]);
    }

    #[test]
    fn setup_py_and_cfg() {
        let py = "setup(name='x', install_requires=[\n  'bugsnag>=4',\n  \"flask\",\n], tests_require=['pytest'])\n";
        assert_eq!(names("setup.py", py), ["bugsnag", "flask"]);
        let cfg =
            "[metadata]\nname = x\n[options]\ninstall_requires =\n    raygun4py\n    requests>=2\n";
        assert_eq!(names("setup.cfg", cfg), ["raygun4py", "requests"]);
    }

    #[test]
    fn garbage_is_not_a_dependency() {
        assert!(names("package.json", "{not json").is_empty());
        assert!(names("pyproject.toml", "[[[").is_empty());
        assert!(names("go.mod", "").is_empty());
    }
}
