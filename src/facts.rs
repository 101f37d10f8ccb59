//! The repo-wide inventory that repo rules read: gathered per file while the
//! file is parsed (no second read), then merged.

use std::collections::BTreeMap;

use crate::parse::Parsed;
use crate::source::{FileKind, SourceFile};

/// What one file contributes.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub path: String,
    pub kind: Option<FileKind>,
}

/// What the whole tree holds.
#[derive(Debug, Default, serde::Serialize)]
pub struct RepoFacts {
    /// Paths by kind, sorted.
    pub files: BTreeMap<FileKind, Vec<String>>,
}

pub fn collect(file: &SourceFile, _parsed: &Parsed) -> FileFacts {
    FileFacts {
        path: file.path.clone(),
        kind: Some(file.kind),
    }
}

impl RepoFacts {
    pub fn merge(&mut self, facts: FileFacts) {
        if let Some(kind) = facts.kind {
            self.files.entry(kind).or_default().push(facts.path);
        }
    }

    /// Sorts everything so output is the same whatever the thread count.
    pub fn finish(&mut self) {
        for paths in self.files.values_mut() {
            paths.sort();
        }
    }

    pub fn has_kind(&self, kind: FileKind) -> bool {
        self.files.get(&kind).is_some_and(|p| !p.is_empty())
    }
}
