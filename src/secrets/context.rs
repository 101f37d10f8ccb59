//! Where a file sits says how much a credential-shaped literal in it proves: tests,
//! docs and examples are full of human-made fake credentials, so there only formats
//! that can be verified (provider prefixes, private keys, live-mode keys) and
//! generated-looking (high-entropy) values count.

/// The role of a file in its repository, from its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathRole {
    /// Application code and configuration.
    Code,
    /// Test suites, fixtures, recorded HTTP cassettes, benchmarks.
    Test,
    /// Documentation, how-tos, examples and UI translations.
    Docs,
}

/// Folder names that hold tests and their data.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "test-data",
    "test_data",
    "testing",
    "fixtures",
    "fixture",
    "__fixtures__",
    "mocks",
    "__mocks__",
    "e2e",
    "cassettes",
    "vcr_cassettes",
    "benchmark",
    "benchmarks",
    "bench",
    "testutil",
    "testutils",
    "test-utils",
    "testhelpers",
    "integration-tests",
    "integration_tests",
    "cypress",
    "playwright",
];

/// Folder names that hold documentation and examples.
const DOC_DIRS: &[&str] = &[
    "docs",
    "doc",
    "documentation",
    "examples",
    "example",
    "samples",
    "sample",
    "tutorial",
    "tutorials",
    "guides",
    "website",
    // In-app help pages (sample requests, how-tos).
    "help",
    // UI text and its translations.
    "locale",
    "locales",
    "i18n",
    "l10n",
    "translations",
    "lang",
];

/// The role of the file at `path` (any case, `/`-separated).
pub(crate) fn path_role(path: &str) -> PathRole {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    let name = segments.pop().unwrap_or("");
    if segments.iter().any(|s| TEST_DIRS.contains(s)) || is_test_file_name(name) {
        return PathRole::Test;
    }
    // A template of a document (`README.md.gotmpl`, `index.rst.j2`) is a document.
    let name = ["gotmpl", "tmpl", "tpl", "j2", "jinja", "erb"]
        .iter()
        .find_map(|t| name.strip_suffix(t).and_then(|n| n.strip_suffix('.')))
        .unwrap_or(name);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if segments.iter().any(|s| DOC_DIRS.contains(s))
        || matches!(ext, "md" | "mdx" | "markdown" | "rst" | "adoc" | "asciidoc")
    {
        return PathRole::Docs;
    }
    PathRole::Code
}

/// `foo_test.go`, `test_foo.py`, `foo.spec.ts`, `foo_spec.rb`, `FooTest.java`, `conftest.py`.
fn is_test_file_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_testing")
        || stem.ends_with("_spec")
        || stem.ends_with("test") && name.ends_with(".java")
        || stem.ends_with("tests") && (name.ends_with(".java") || name.ends_with(".cs"))
        || name.contains(".test.")
        || name.contains(".spec.")
        || name == "conftest.py"
}

#[cfg(test)]
mod tests {
    use super::{path_role, PathRole};

    #[test]
    fn roles() {
        for path in [
            "tests/test_api.py",
            "spec/models/user_spec.rb",
            "internal/api/api_test.go",
            "src/app.test.ts",
            "pkg/testdata/config.json",
            "spec/fixtures/vcr_cassettes/login.yml",
            "src/test/java/FooTest.java",
        ] {
            assert_eq!(path_role(path), PathRole::Test, "{path}");
        }
        for path in [
            "docs/setup.md",
            "README.md",
            "examples/basic/main.tf",
            "charts/app/README.md.gotmpl",
        ] {
            assert_eq!(path_role(path), PathRole::Docs, "{path}");
        }
        for path in [
            "config/settings.py",
            "src/latest.rs",
            "app/contest.rb",
            "internal/testament/x.go",
            "templates/secret.yaml.tpl",
        ] {
            assert_eq!(path_role(path), PathRole::Code, "{path}");
        }
    }
}
