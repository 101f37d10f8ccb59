//! `--diff`: a unified diff of what `--fix` would write.

/// The unified diff (`--- a/path` / `+++ b/path`, three lines of context) from `before`
/// to `after`; a created file diffs from `/dev/null`.
pub(crate) fn unified(path: &str, before: &str, after: &str) -> String {
    let old_name = if before.is_empty() {
        "/dev/null".to_string()
    } else {
        format!("a/{path}")
    };
    let diff = similar::TextDiff::from_lines(before, after);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(&old_name, &format!("b/{path}"))
        .to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn diff_of_an_insertion() {
        let d = super::unified("main.tf", "a\nb\n", "a\nx\nb\n");
        assert_eq!(
            d,
            "--- a/main.tf\n+++ b/main.tf\n@@ -1,2 +1,3 @@\n a\n+x\n b\n"
        );
        let created = super::unified(".dockerignore", "", ".git\n");
        assert!(
            created.starts_with("--- /dev/null\n+++ b/.dockerignore\n"),
            "{created}"
        );
    }
}
