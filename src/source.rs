//! Source files and byte spans. Models store byte ranges; line and column are
//! computed only when a report is rendered (ruff/oxc style).

use std::ops::Range;

/// A byte range in one file's text. `start <= end <= text.len()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { start, end }
    }

    pub(crate) fn from_range(range: Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }

    pub(crate) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub(crate) fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub(crate) fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub(crate) fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Shift a span found inside a sub-slice that starts at `base`.
    pub(crate) fn offset(self, base: u32) -> Span {
        Span {
            start: self.start + base,
            end: self.end + base,
        }
    }

    #[cfg(test)]
    pub(crate) fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// 1-based line and column; the column counts Unicode scalar values
/// (SARIF `columnKind: unicodeCodePoints`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Byte offsets of line starts, for offset -> line/column.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        LineIndex { line_starts }
    }

    /// 0-based line number containing `offset`.
    pub(crate) fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where 0-based `line` starts (clamped to the last line).
    pub(crate) fn line_start(&self, line: usize) -> u32 {
        let i = line.min(self.line_starts.len().saturating_sub(1));
        self.line_starts.get(i).copied().unwrap_or(0)
    }

    /// Byte range of 0-based `line`, without its line terminator.
    pub(crate) fn line_range(&self, line: usize, text: &str) -> Range<usize> {
        let start = self.line_start(line) as usize;
        let end = self
            .line_starts
            .get(line + 1)
            .map(|&s| s as usize - 1)
            .unwrap_or(text.len());
        let end = end.max(start);
        let slice = text.get(start..end).unwrap_or("");
        let trimmed = slice.strip_suffix('\r').unwrap_or(slice);
        start..start + trimmed.len()
    }

    pub(crate) fn line_col(&self, offset: u32, text: &str) -> LineCol {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let mut end = offset as usize;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text.get(start..end).map(|s| s.chars().count()).unwrap_or(0);
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    #[cfg(test)]
    /// Byte offset of a 1-based line and a 1-based column in chars.
    pub(crate) fn offset_of(&self, line: u32, column: u32, text: &str) -> u32 {
        let line0 = (line.max(1) - 1) as usize;
        let range = self.line_range(line0, text);
        let slice = text.get(range.clone()).unwrap_or("");
        let skip = column.max(1) as usize - 1;
        let within = slice
            .char_indices()
            .nth(skip)
            .map(|(i, _)| i)
            .unwrap_or(slice.len());
        u32::try_from(range.start + within).unwrap_or(u32::MAX)
    }
}

/// A file that could not be (fully) parsed: where and why. The scan goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseDiagnostic {
    pub message: String,
    pub span: Span,
}

impl ParseDiagnostic {
    pub(crate) fn new(message: impl Into<String>, span: Span) -> Self {
        ParseDiagnostic {
            message: message.into(),
            span,
        }
    }
}

/// What a file is, decided from its path (and, for YAML, a peek at its keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    Terraform,
    Dockerfile,
    Compose,
    Kubernetes,
    GithubWorkflow,
    GithubAction,
    GitlabCi,
    Circleci,
    OtherCi,
    Manifest,
    Text,
}

impl FileKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FileKind::Terraform => "terraform",
            FileKind::Dockerfile => "dockerfile",
            FileKind::Compose => "compose",
            FileKind::Kubernetes => "kubernetes",
            FileKind::GithubWorkflow => "github-workflow",
            FileKind::GithubAction => "github-action",
            FileKind::GitlabCi => "gitlab-ci",
            FileKind::Circleci => "circleci",
            FileKind::OtherCi => "other-ci",
            FileKind::Manifest => "manifest",
            FileKind::Text => "text",
        }
    }
}

/// What a binary keystore holds, as far as its unencrypted structure tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeystoreContents {
    PrivateKey,
    /// Trusted certificates only: a truststore.
    CertificatesOnly,
    /// No key in the clear, but encrypted entries that may hide one (PKCS#12).
    NoVisibleKey,
}

/// One file read into memory, with its path relative to the scan root
/// (always `/`-separated, so output is the same on every platform).
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub kind: FileKind,
    pub text: String,
    /// For a binary keystore (no text), what its structure says it holds.
    pub(crate) keystore: Option<KeystoreContents>,
    /// Built on first use: most files have no finding and no located fact.
    line_index: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: String, kind: FileKind, text: String) -> Self {
        SourceFile {
            path,
            kind,
            text,
            keystore: None,
            line_index: std::sync::OnceLock::new(),
        }
    }

    /// Byte offsets of line starts (computed once, when first needed).
    pub(crate) fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    pub(crate) fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    pub(crate) fn line_col(&self, offset: u32) -> LineCol {
        self.line_index().line_col(offset, &self.text)
    }

    /// Span of line 1 (for findings about a whole file).
    pub(crate) fn first_line_span(&self) -> Span {
        // Line 1 needs no index.
        let end = memchr_newline(&self.text);
        let line = &self.text[..end];
        Span::new(0, line.strip_suffix('\r').unwrap_or(line).len())
    }

    /// The file name (last path segment).
    pub(crate) fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// The offset of the first `\n` (or the length).
fn memchr_newline(text: &str) -> usize {
    text.bytes().position(|b| b == b'\n').unwrap_or(text.len())
}

/// A place in the tree: a file (relative path) and a span with its line/column,
/// computed once while the file's text is at hand.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub path: String,
    #[serde(skip)]
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
}

impl Location {
    pub(crate) fn in_file(file: &SourceFile, span: Span) -> Self {
        let span = clamp(span, file.text.len());
        Location {
            path: file.path.clone(),
            span,
            start: file.line_col(span.start),
            end: file.line_col(span.end),
        }
    }

    /// The repository root: no file, line 1.
    pub(crate) fn root() -> Self {
        let first = LineCol { line: 1, column: 1 };
        Location {
            path: String::new(),
            span: Span::default(),
            start: first,
            end: first,
        }
    }

    pub(crate) fn is_root(&self) -> bool {
        self.path.is_empty()
    }
}

fn clamp(span: Span, len: usize) -> Span {
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    Span {
        start: span.start.min(len),
        end: span.end.min(len).max(span.start.min(len)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_lines() {
        let text = "ab\nçd\r\nef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(0, text), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(3, text), LineCol { line: 2, column: 1 });
        // 'd' is after the two-byte 'ç'
        assert_eq!(idx.line_col(5, text), LineCol { line: 2, column: 2 });
        assert_eq!(idx.line_col(8, text), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_range(1, text), 3..6);
        assert_eq!(idx.offset_of(2, 2, text), 5);
    }
}
