use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::model::ci::Script;
use crate::model::dockerfile::{Dockerfile, Instruction};
use crate::parse::shell::{blank_words, pipelines, tokenize, Command, Token};
use crate::rule::{Cx, Rule, Scope};
use crate::source::{FileKind, Span};

declare_rule! {
    /// ## What it checks
    /// A script downloaded and run in one go: `curl ... | sh`, `wget -qO- ... | sudo bash -`,
    /// `curl ... | python3 -`, `bash <(curl ...)`, `sh -c "$(curl ...)"`, and PowerShell's
    /// `irm ... | iex`. It looks at Dockerfile `RUN` instructions (shell and exec form,
    /// heredocs included) and at the scripts of GitHub Actions workflows and composite
    /// actions, GitLab CI and CircleCI. A Dockerfile `ADD https://...` is the same thing
    /// for a file, unless it carries `--checksum=sha256:...` (or names a git commit).
    ///
    /// The scripts are tokenised like a shell reads them: quotes, comments, line
    /// continuations and `$(...)` are understood, so `echo "curl x | sh"` and a
    /// commented-out line do not fire. A download piped into a program that reads its
    /// input as data (`| tar xz`, `| jq`, `| python3 -c '...'`, `| sh -c 'cat > f'`) is
    /// not a remote script, and neither is `curl -o file` (nothing reaches the pipe).
    ///
    /// ## Why it matters
    /// "Build for 1x, design for 10x": a growing team needs builds it can reproduce and
    /// trust. Piping a URL into a shell runs whatever the server sends today, unreviewed
    /// and unpinned, with the build's secrets and credentials in reach. If that server or
    /// its CDN is compromised (or the script just changes), every image and CI run is too.
    ///
    /// ## Bad
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
    /// ```
    ///
    /// ## Good
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/setup.sh /tmp/setup.sh
    /// RUN bash /tmp/setup.sh && rm /tmp/setup.sh
    /// ```
    ///
    /// ## Bad
    /// ```yaml .gitlab-ci.yml
    /// test:
    ///   script:
    ///     - curl -sSL https://install.python-poetry.org | python3 -
    ///     - poetry install
    /// ```
    ///
    /// ## Good
    /// ```yaml .gitlab-ci.yml
    /// test:
    ///   script:
    ///     - pip install poetry==1.8.3
    ///     - poetry install
    /// ```
    ///
    /// ## How to fix
    /// Install from a package manager with a pinned version, or download the script (or
    /// binary) to a file, verify its checksum or signature, and then run it. In a
    /// Dockerfile, `ADD --checksum=sha256:<digest> <url> <dest>` does the download and
    /// the check in one step.
    RemoteScriptPipe {
        id: "SEC015",
        name: "remote-script-pipe",
        pillar: Sec,
        stage: Growth,
        scope: Scope::File(&[
            FileKind::Dockerfile,
            FileKind::GithubWorkflow,
            FileKind::GithubAction,
            FileKind::GitlabCi,
            FileKind::Circleci,
        ]),
        severity: Warning,
        since: "0.1.0",
        summary: "unverified remote script or download",
    }
}

/// How deep `$(...)` inside `$(...)` is followed.
const MAX_DEPTH: usize = 4;

/// From the program (past `sudo`, `VAR=x`, `then`, ...) to the last word.
fn command_span(cmd: &Command) -> Option<(usize, usize)> {
    let first = cmd.words.get(program(cmd).unwrap_or(0))?;
    Some((first.start, cmd.words.last()?.end))
}

/// A remote script run: where (relative to the scanned text) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    start: usize,
    end: usize,
    message: String,
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The index of the program a command runs, past `VAR=x`, `sudo -E`, `env`, `exec`, ...
fn program(cmd: &Command) -> Option<usize> {
    let words = &cmd.words;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].text.as_str();
        let is_assignment = w.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        });
        if is_assignment || w == "!" {
            i += 1;
            continue;
        }
        match basename(w) {
            "sudo" | "doas" => {
                i += 1;
                while let Some(opt) = words.get(i).map(|t| t.text.as_str()) {
                    if !opt.starts_with('-') {
                        break;
                    }
                    let takes_arg = matches!(
                        opt,
                        "-u" | "-g" | "-h" | "-p" | "-C" | "-D" | "-R" | "-T" | "-U" | "-r" | "-t"
                    );
                    i += if takes_arg { 2 } else { 1 };
                }
            }
            "env" => {
                i += 1;
                while let Some(opt) = words.get(i).map(|t| t.text.as_str()) {
                    if opt.starts_with('-') {
                        let takes_arg = matches!(opt, "-u" | "-C" | "-S");
                        i += if takes_arg { 2 } else { 1 };
                    } else if opt.contains('=') {
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
            "exec" | "command" | "nohup" | "time" | "builtin" | "if" | "then" | "else" | "elif"
            | "while" | "until" | "do" | "{" => i += 1,
            _ => return Some(i),
        }
    }
    None
}

/// `curl`/`wget` writing the download to stdout: its name.
fn downloader(cmd: &Command) -> Option<&'static str> {
    let p = program(cmd)?;
    let args = &cmd.words[p + 1..];
    match basename(&cmd.words[p].text) {
        "curl" => curl_to_stdout(args).then_some("curl"),
        "wget" => wget_to_stdout(args).then_some("wget"),
        _ => None,
    }
}

/// curl writes to stdout unless `-o <file>` (not `-`), `-O` or `--remote-name` is given.
fn curl_to_stdout(args: &[Token]) -> bool {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        i += 1;
        if let Some(long) = a.strip_prefix("--") {
            match long.split_once('=') {
                Some(("output", v)) => return v == "-",
                _ if long == "output" => return args.get(i).is_some_and(|v| v.text == "-"),
                _ if long.starts_with("remote-name") => return false,
                _ => {}
            }
        } else if let Some(cluster) = a.strip_prefix('-') {
            for (pos, ch) in cluster.char_indices() {
                let rest = &cluster[pos + ch.len_utf8()..];
                match ch {
                    'O' => return false,
                    'o' => {
                        let value = if rest.is_empty() {
                            args.get(i).map_or("", |v| v.text.as_str())
                        } else {
                            rest
                        };
                        return value == "-";
                    }
                    'A' | 'b' | 'c' | 'C' | 'd' | 'D' | 'e' | 'E' | 'F' | 'H' | 'K' | 'm' | 'P'
                    | 'Q' | 'r' | 't' | 'T' | 'u' | 'U' | 'w' | 'x' | 'X' | 'y' | 'Y' | 'z' => {
                        if rest.is_empty() {
                            i += 1;
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    true
}

/// wget writes to stdout only with `-O -` (`-qO-`, `--output-document=-`, `/dev/stdout`).
fn wget_to_stdout(args: &[Token]) -> bool {
    let is_stdout = |v: &str| v == "-" || v == "/dev/stdout";
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        i += 1;
        if let Some(long) = a.strip_prefix("--") {
            match long.split_once('=') {
                Some(("output-document", v)) => return is_stdout(v),
                _ if long == "output-document" => {
                    return args.get(i).is_some_and(|v| is_stdout(&v.text))
                }
                _ => {}
            }
        } else if let Some(cluster) = a.strip_prefix('-') {
            for (pos, ch) in cluster.char_indices() {
                let rest = &cluster[pos + ch.len_utf8()..];
                match ch {
                    'O' => {
                        let value = if rest.is_empty() {
                            args.get(i).map_or("", |v| v.text.as_str())
                        } else {
                            rest
                        };
                        return is_stdout(value);
                    }
                    'o' | 'a' | 'e' | 'i' | 'B' | 't' | 'T' | 'w' | 'Q' | 'P' | 'U' | 'l' | 'A'
                    | 'R' | 'D' | 'I' | 'X' => {
                        if rest.is_empty() {
                            i += 1;
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    false
}

/// Interpreters that run a script read from stdin, the flags that make them run (`-c`, `-m`, `-e`, ...).
/// something else (`-c`, `-m`, `-e`, ...), and the flags that take a value.
struct Interpreter {
    kind: &'static str,
    other_code: &'static [char],
    with_value: &'static [char],
}

fn interpreter(name: &str) -> Option<Interpreter> {
    let name = name.to_ascii_lowercase();
    let trimmed = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let (kind, other_code, with_value): (_, &'static [char], &'static [char]) = match trimmed {
        "sh" | "bash" | "zsh" | "ash" | "dash" | "ksh" | "mksh" | "fish" => {
            ("shell", &['c'], &['o', 'O'])
        }
        "python" => ("python", &['c', 'm'], &['W', 'X']),
        "perl" => ("perl", &['e', 'E'], &[]),
        "ruby" => ("ruby", &['e'], &[]),
        "node" => ("node", &['e', 'p'], &['r']),
        "php" => ("php", &['r'], &[]),
        _ => return None,
    };
    Some(Interpreter {
        kind,
        other_code,
        with_value,
    })
}

/// Whether the command runs its stdin as a script: the interpreter's name.
fn runs_stdin(cmd: &Command) -> Option<String> {
    let p = program(cmd)?;
    let name = basename(&cmd.words[p].text).to_string();
    let interp = interpreter(&name)?;
    let mut stdin_flag = false;
    let mut args = cmd.words[p + 1..].iter();
    while let Some(arg) = args.next() {
        let a = arg.text.as_str();
        if matches!(a, "-" | "--" | "/dev/stdin" | "/proc/self/fd/0") {
            return Some(name);
        }
        if a.starts_with("--") {
            if matches!(a, "--eval" | "--print" | "--command") {
                return None;
            }
            if matches!(a, "--rcfile" | "--init-file") {
                args.next();
            }
            continue;
        }
        if let Some(cluster) = a.strip_prefix('-').or_else(|| a.strip_prefix('+')) {
            if cluster.chars().any(|c| interp.other_code.contains(&c)) {
                return None;
            }
            stdin_flag |= interp.kind == "shell" && cluster.contains('s');
            if cluster.ends_with(interp.with_value) {
                args.next();
            }
            continue;
        }
        // A script file: stdin is its data, unless `-s` said the script is stdin.
        return stdin_flag.then_some(name);
    }
    Some(name)
}

/// `sh -c "$(curl ...)"`, `bash <(curl ...)`, `eval "$(wget -O- ...)"`, `. <(curl ...)`.
fn runs_substituted_download(cmd: &Command, s: &str) -> Option<String> {
    let p = program(cmd)?;
    let name = basename(&cmd.words[p].text);
    let runs = interpreter(name).is_some() || matches!(name, "eval" | "source" | ".");
    if !runs {
        return None;
    }
    for word in &cmd.words[p + 1..] {
        for &(start, end) in &word.subs {
            let inner = s.get(start..end).unwrap_or("");
            let first = pipelines(tokenize(inner, false))
                .into_iter()
                .flat_map(|pl| pl.into_iter().next())
                .find_map(|c| downloader(&c));
            if let Some(dl) = first {
                return Some(format!("`{name}` runs the output of `{dl}`"));
            }
        }
    }
    None
}

/// PowerShell: `irm https://... | iex`, `iex ((New-Object Net.WebClient).DownloadString(...))`.
static POWERSHELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:iwr|irm|invoke-webrequest|invoke-restmethod)\b[^|\n]*\|\s*(?:iex|invoke-expression)\b|\b(?:iex|invoke-expression)\b[\s(]+[^\n]*\.downloadstring\s*\([^\n]*",
    )
    .expect("internal error: valid regex")
});

/// Every remote script run in `s` (offsets relative to `s`).
fn find_remote_scripts(s: &str, fold_newlines: bool) -> Vec<Hit> {
    let mut hits = Vec::new();
    scan_shell(s, 0, fold_newlines, 0, &mut hits);
    for m in POWERSHELL.find_iter(s) {
        hits.push(Hit {
            start: m.start(),
            end: m.end(),
            message: "a downloaded PowerShell script is run with `Invoke-Expression`".into(),
        });
    }
    hits.sort_by_key(|h| (h.start, h.end));
    hits.dedup_by(|b, a| b.start < a.end);
    hits
}

fn scan_shell(s: &str, base: usize, fold: bool, depth: usize, hits: &mut Vec<Hit>) {
    let tokens = tokenize(s, fold);
    for pipeline in pipelines(tokens) {
        let mut reported = false;
        for (i, cmd) in pipeline.iter().enumerate() {
            let Some(dl) = downloader(cmd) else { continue };
            let target = pipeline
                .iter()
                .skip(i + 1)
                .find_map(|c| runs_stdin(c).map(|name| (c, name)));
            if let (Some((to, name)), Some((start, _))) = (target, command_span(cmd)) {
                let end = command_span(to).map_or(start, |(_, e)| e);
                hits.push(Hit {
                    start: base + start,
                    end: base + end,
                    message: format!("the output of `{dl}` is piped into `{name}`"),
                });
                reported = true;
                break;
            }
        }
        for cmd in &pipeline {
            if !reported {
                if let (Some(message), Some((start, end))) =
                    (runs_substituted_download(cmd, s), command_span(cmd))
                {
                    hits.push(Hit {
                        start: base + start,
                        end: base + end,
                        message,
                    });
                }
            }
            if depth < MAX_DEPTH {
                for word in &cmd.words {
                    for &(start, end) in &word.subs {
                        if let Some(inner) = s.get(start..end) {
                            scan_shell(inner, base + start, fold, depth + 1, hits);
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Where scripts are.

impl RemoteScriptPipe {
    fn report(cx: &mut Cx, base: usize, hits: Vec<Hit>) {
        for hit in hits {
            cx.report(
                cx.finding(Span::new(base + hit.start, base + hit.end))
                    .message(format!(
                        "{}: whatever the server sends is run, unreviewed and unpinned",
                        hit.message
                    ))
                    .help("download to a file, verify its checksum or signature, then run it (or install a pinned package)"),
            );
        }
    }

    /// A YAML script scalar: its content (block header and quotes left out) is scanned.
    fn scan_script(cx: &mut Cx, script: &Script) {
        let raw = cx.file.slice(script.span);
        let (skip, trim_end, fold) = match raw.as_bytes().first() {
            Some(b'|') => (raw.find('\n').map_or(raw.len(), |p| p + 1), 0, false),
            Some(b'>') => (raw.find('\n').map_or(raw.len(), |p| p + 1), 0, true),
            Some(b'"' | b'\'') if raw.len() >= 2 => (1, 1, true),
            _ => (0, 0, true),
        };
        let body = raw.get(skip..raw.len() - trim_end).unwrap_or("");
        let hits = find_remote_scripts(body, fold);
        Self::report(cx, script.span.start as usize + skip, hits);
    }

    fn check_run(cx: &mut Cx, ins: &Instruction, escape: char) {
        if let Some(words) = &ins.json_args {
            // Exec form: only `["sh", "-c", "<script>"]` holds a script.
            let is_shell = words
                .first()
                .is_some_and(|w| interpreter(basename(w)).is_some_and(|i| i.kind == "shell"));
            if is_shell && words.iter().any(|w| w.starts_with('-') && w.contains('c')) {
                let raw = cx.file.slice(ins.args_span);
                for (start, end) in json_strings(raw) {
                    let hits = find_remote_scripts(&raw[start..end], true);
                    Self::report(cx, ins.args_span.start as usize + start, hits);
                }
            }
        } else {
            let joined = join_continuations(cx.file.slice(ins.args_span), escape);
            let hits = find_remote_scripts(&joined, true);
            Self::report(cx, ins.args_span.start as usize, hits);
        }
        for doc in &ins.heredocs {
            let hits = find_remote_scripts(cx.file.slice(doc.body_span), false);
            Self::report(cx, doc.body_span.start as usize, hits);
        }
    }

    /// `ONBUILD RUN curl ... | sh` runs in every image built from this one.
    fn check_onbuild(cx: &mut Cx, ins: &Instruction, escape: char) {
        let raw = cx.file.slice(ins.args_span);
        let Some(rest) = raw.strip_prefix("RUN").or_else(|| raw.strip_prefix("run")) else {
            return;
        };
        let joined = join_continuations(rest, escape);
        let hits = find_remote_scripts(&joined, true);
        Self::report(cx, ins.args_span.start as usize + 3, hits);
    }

    fn check_add(cx: &mut Cx, ins: &Instruction) {
        if ins.flag("checksum").is_some() {
            return;
        }
        let raw = cx.file.slice(ins.args_span);
        let words: Vec<(usize, &str)> = match &ins.json_args {
            Some(_) => json_strings(raw)
                .into_iter()
                .map(|(s, e)| (s, &raw[s..e]))
                .collect(),
            None => split_words(raw),
        };
        let Some((_, sources)) = words.split_last() else {
            return;
        };
        for &(start, url) in sources {
            let lower = url.to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                continue;
            }
            if pinned_git_ref(url) {
                continue;
            }
            let span = Span::new(
                ins.args_span.start as usize + start,
                ins.args_span.start as usize + start + url.len(),
            );
            cx.report(
                cx.finding(span)
                    .message(format!(
                        "`ADD {url}` downloads at build time with no checksum: whatever the server sends goes into the image"
                    ))
                    .help("add `--checksum=sha256:<digest>`, or download and verify the file in a `RUN` step"),
            );
        }
    }
}

/// A git URL pinned to a commit: `https://github.com/o/r.git#<40 hex>`.
fn pinned_git_ref(url: &str) -> bool {
    url.split_once('#').is_some_and(|(_, r)| {
        let r = r.split(':').next().unwrap_or(r);
        r.len() == 40 && r.bytes().all(|c| c.is_ascii_hexdigit())
    })
}

/// Dockerfile shell form: escaped newlines become blanks and comment lines inside the
/// continuation vanish, keeping every byte offset.
fn join_continuations(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    for (n, line) in raw.split_inclusive('\n').enumerate() {
        if n > 0 && line.trim_start().starts_with('#') {
            out.extend(std::iter::repeat_n(' ', line.len()));
            continue;
        }
        let content = line.trim_end_matches(['\n', '\r']);
        let tail = line.len() - content.len();
        let trimmed = content.trim_end_matches([' ', '\t']);
        match trimmed.strip_suffix(escape) {
            Some(rest) if tail > 0 => {
                out.push_str(rest);
                out.extend(std::iter::repeat_n(' ', line.len() - rest.len()));
            }
            _ => {
                out.push_str(content);
                out.extend(std::iter::repeat_n(' ', tail));
            }
        }
    }
    out
}

/// The insides of the JSON strings of an exec-form array, as byte ranges.
fn json_strings(raw: &str) -> Vec<(usize, usize)> {
    let b = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i + 1;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            out.push((start, i.min(b.len())));
        }
        i += 1;
    }
    out
}

/// Whitespace-separated words (an `ADD` line's sources and destination), with offsets.
fn split_words(raw: &str) -> Vec<(usize, &str)> {
    blank_words(raw, |c| c.is_whitespace() || c == '\\')
        .into_iter()
        .map(|(s, e)| (s, &raw[s..e]))
        .collect()
}

impl Rule for RemoteScriptPipe {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Cx) {
        for ins in &df.instructions {
            match ins.keyword.as_str() {
                "RUN" => Self::check_run(cx, ins, df.escape),
                "ONBUILD" => Self::check_onbuild(cx, ins, df.escape),
                "ADD" => Self::check_add(cx, ins),
                _ => {}
            }
        }
    }

    /// `run:` scripts of GitHub steps, GitLab script lines, CircleCI `run` commands.
    fn check_script(&self, script: &Script, cx: &mut Cx) {
        Self::scan_script(cx, script);
    }
}

#[cfg(test)]
mod tests {
    use super::find_remote_scripts;

    fn fires(s: &str) -> bool {
        !find_remote_scripts(s, false).is_empty()
    }

    #[test]
    fn pipes_into_shells() {
        assert!(fires("curl -fsSL https://get.docker.com | sh"));
        assert!(fires(
            "curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -"
        ));
        assert!(fires("wget -qO- https://astral.sh/uv/install.sh | sh"));
        assert!(fires("wget -O - https://x.io/i.sh | bash -s -- --yes"));
        assert!(fires(
            "curl -sSL https://install.python-poetry.org | python3 -"
        ));
        assert!(fires("curl -s https://x.io/i.sh | tee i.sh | sh"));
        assert!(fires(
            "curl -sSL https://aka.ms/getvsdbgsh | bash /dev/stdin -v latest"
        ));
        assert!(fires("set -e; curl https://x.io/i.sh \\\n  | bash"));
        assert!(fires("/bin/bash -c \"$(curl -fsSL https://raw.githubusercontent.com/Homebrew/install/HEAD/install.sh)\""));
        assert!(fires("bash <(curl -s https://codecov.io/bash)"));
        assert!(fires("eval \"$(curl -fsSL https://x.io/env)\""));
        assert!(fires("irm https://get.scoop.sh | iex"));
        assert!(fires("iex ((New-Object System.Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1'))"));
        assert!(fires(
            "curl -o- https://raw.githubusercontent.com/nvm-sh/nvm/v0.39.7/install.sh | bash"
        ));
    }

    #[test]
    fn data_pipes_and_quotes_do_not_fire() {
        assert!(!fires(
            "curl -fsSL https://x.io/key.gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg"
        ));
        assert!(!fires("curl -sL https://x.io/a.tar.gz | tar xz"));
        assert!(!fires("curl -s https://api.github.com/repos/a/b | python3 -c 'import json,sys; print(json.load(sys.stdin))'"));
        assert!(!fires("curl -s https://x.io/a | sh -c 'cat > /tmp/a'"));
        assert!(!fires(
            "curl -fsSLo install.sh https://x.io/i.sh && sh install.sh"
        ));
        assert!(!fires("curl -O https://x.io/i.sh | sh"));
        assert!(!fires("wget https://x.io/i.sh | sh"));
        assert!(!fires("echo \"curl https://x.io | sh\""));
        assert!(!fires("# curl https://x.io | sh\necho ok"));
        assert!(!fires("curl https://x.io/sum | sha256sum -c"));
        assert!(!fires(
            "VERSION=$(curl -s https://x.io/latest | jq -r .tag)"
        ));
        assert!(!fires(
            "cat <<EOF > i.sh\ncurl https://x.io | sh\nEOF\necho"
        ));
        assert!(!fires("curl -s https://x.io/a | bash ./check.sh"));
        assert!(!fires("curl https://x.io || sh fallback.sh"));
    }
}
