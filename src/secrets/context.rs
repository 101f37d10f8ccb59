//! Where a file sits says how much a credential-shaped literal in it proves: tests,
//! docs, examples and copies of other people's code are full of made-up or public
//! values, so there only formats that can be verified (provider prefixes, private
//! keys, live-mode keys) count, and in example configs generated-looking values.

/// The role of a file in its repository, from its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathRole {
    /// Application code and configuration.
    Code,
    /// Test suites, fixtures, recorded HTTP cassettes, benchmarks.
    Test,
    /// Documentation, how-tos, examples and UI translations.
    Docs,
    /// A copy of someone else's code (`vendor/`, `public/plugins/codemirror-5.17.0/`):
    /// its values are the library's, not this repository's credentials.
    ThirdParty,
}

/// Folder names that hold copies of third-party code.
const THIRD_PARTY_DIRS: &[&str] = &[
    "vendor",
    "vendored",
    "third_party",
    "third-party",
    "thirdparty",
    "external",
    "bower_components",
    "node_modules",
    // A committed virtualenv's or system Python's installed packages.
    "site-packages",
    "dist-packages",
];

/// `codemirror-5.17.0`, `jquery-ui-1.13`: a library's folder named with its version.
fn is_versioned_copy(segment: &str) -> bool {
    segment.rsplit_once('-').is_some_and(|(name, version)| {
        name.starts_with(|c: char| c.is_ascii_alphabetic())
            && version.contains('.')
            && version
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Folder names that hold tests and their data.
///
/// Names without the word `test`, `tests`, `conformance` or `certification`: a folder with one of those
/// words (`tests`, `test-data`, `integration_tests`, `oidc-conformance`) is a test folder
/// by [`is_test_dir`] already.
const TEST_DIRS: &[&str] = &[
    // Perl's and Test::Nginx's (OpenResty, APISIX) test folder.
    "t",
    "spec",
    "specs",
    "testdata",
    "testing",
    "fixtures",
    "fixture",
    "__fixtures__",
    "mocks",
    "mock",
    "__mocks__",
    // Made-up data for a demo or a UI preview (`replicache/dummy/data.ts`).
    "dummy",
    "fake",
    "fakes",
    "e2e",
    "cassettes",
    "vcr_cassettes",
    // Ansible Molecule's scenarios: a role's tests, run in throwaway containers.
    "molecule",
    // Maestro's mobile UI flows and the data they type in.
    ".maestro",
    // Pact's consumer-contract recordings (`pacts/<consumer>-<provider>.json`).
    "pacts",
    // Snapshot tests' recorded output (Jest, cupaloy, insta).
    "__snapshots__",
    ".snapshots",
    "snapshots",
    "benchmark",
    "benchmarks",
    "bench",
    "testutil",
    "testutils",
    "testhelpers",
    "suites",
    // Local development environments (DDEV, Dev Containers, Lando, `dev/` and
    // `_dev/` setups).
    "dev",
    "_dev",
    ".ddev",
    ".devcontainer",
    ".lando",
    "local-environment",
    "local-env",
    "local-dev",
    "localdev",
    "local-development",
    "dev-env",
    "dev-environment",
    "testresources",
    // Browser and API test runners.
    "cypress",
    "playwright",
    // Dredd, an API contract-test runner: its hooks hold the run's tokens.
    "dredd",
    ".dredd",
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
    // Scribe's generated API docs (`.scribe/endpoints/00.yaml`): faker's sample
    // request bodies.
    ".scribe",
    // UI text and its translations.
    "locale",
    "locales",
    "i18n",
    "l10n",
    "translations",
    "lang",
    // PHP apps' language arrays (`app/includes/language/dutch.php`); not
    // `languages/`, which holds a highlighter's grammars as often.
    "language",
];

/// A folder of documentation or examples: a listed name, or one whose words say
/// it is a demo, an example, a quickstart or docs (`vault-agent-k8s-demo/`,
/// `aws-examples/`, `spring-quickstart/`, `docs-assets/`).
fn is_doc_dir(segment: &str) -> bool {
    DOC_DIRS.contains(&segment)
        // Apple's per-language UI text (`de.lproj/Localizable.strings`).
        || segment.ends_with(".lproj")
        // A locale's folder of UI text (`snippet/de_DE/`).
        || is_locale_tag(segment, true)
        || segment.split(['-', '_', '.']).any(|word| {
            matches!(
                word,
                "demo"
                    | "demos"
                    | "example"
                    | "examples"
                    | "quickstart"
                    | "quickstarts"
                    // `docs-assets/`, `docs_src/`: what a docs site is built from.
                    | "docs"
            )
        })
}

/// The role of the file at `path` (any case, `/`-separated).
pub(crate) fn path_role(path: &str) -> PathRole {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    let name = segments.pop().unwrap_or("");
    // Sorbet's generated type stubs of installed gems (`sorbet/rbi/gems/…rbi`)
    // copy each gem's API docs, sample values included.
    let gem_stubs = segments.windows(2).any(|w| w == ["sorbet", "rbi"]);
    if gem_stubs
        || segments
            .iter()
            .any(|s| THIRD_PARTY_DIRS.contains(s) || is_versioned_copy(s))
    {
        return PathRole::ThirdParty;
    }
    // Helm chart-testing's values (`charts/app/ci/test-values.yaml`) configure test
    // installs, and so do the fragments a chart's `ci/` folder builds them from
    // (`charts/matrix-stack/ci/fragments/…yaml`).
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    let chart_test_values = (segments.last() == Some(&"ci")
        && (name.ends_with("values.yaml") || name.ends_with("values.yml")))
        || (yaml
            && segments
                .windows(3)
                .any(|w| w[0] == "charts" && w[2] == "ci"));
    // `contrib/cassandra/test.sql`: a script named for what it is; CI pipelines
    // named `test.yml` still run with real access.
    // So is `integration-test.sh`, `smoke-tests.yml`.
    let stem = name.split('.').next().unwrap_or("");
    let test_script =
        (matches!(stem, "test" | "tests") || stem.ends_with("-test") || stem.ends_with("-tests"))
            && name.contains('.')
            && !is_ci_pipeline(&lower);
    // Cucumber's suite: `features/support/` (hooks, mocked logins) and
    // `features/step_definitions/`.
    let cucumber = segments
        .windows(2)
        .any(|pair| pair[0] == "features" && matches!(pair[1], "support" | "step_definitions"));
    // Tilt only runs local development clusters (`Tiltfile`, `tilt/airflow.tiltfile`):
    // its logins are made up for a developer's machine.
    let tilt = name == "tiltfile"
        || name.ends_with(".tiltfile")
        // A chart's values for Tilt or a cluster on the developer's machine
        // (`deploy/helm-chart/values-tilt.yaml`, `helm/values-local.yaml`,
        // `values.minikube.yaml`).
        || (yaml
            && name.starts_with("values")
            && name
                .split(['.', '-', '_'])
                .any(|word| matches!(word, "tilt" | "local" | "minikube")));
    // A development seed (`seeds/development/02-user.js`) or a local overlay
    // (`kustomize/overlays/local/secrets.yaml`): data and settings for a
    // developer's machine, as a `dev/` folder holds.
    let local_setup = segments.windows(2).any(|w| {
        matches!(w[0], "seeds" | "seed" | "seeders" | "overlays")
            && matches!(w[1], "development" | "local")
    });
    // Recorded output (`exe.cache` of a docs build, `*.snap`, `*.golden`): what a
    // command printed when it was run, not what anything reads credentials from.
    let recorded_output = matches!(
        name.rsplit_once('.').map(|(_, ext)| ext),
        Some("cache" | "snap" | "golden")
    );
    // `.ci/docker-compose-file/nats/nats-jwt.conf`: the services a CI run starts
    // for its tests, configured in a folder of the hidden `.ci/` one (its own
    // scripts may deploy).
    let ci_service_config = segments
        .iter()
        .position(|s| *s == ".ci")
        .is_some_and(|at| at + 1 < segments.len())
        && !matches!(
            name.rsplit_once('.').map(|(_, ext)| ext),
            Some("sh" | "bash" | "ps1" | "py" | "rb" | "js" | "ts")
        );
    if segments.iter().any(|s| is_test_dir(s))
        || ci_service_config
        || is_test_file_name(name)
        || is_test_class_file(path.rsplit('/').next().unwrap_or(""))
        || recorded_output
        || chart_test_values
        || test_script
        || cucumber
        || tilt
        || local_setup
    {
        return PathRole::Test;
    }
    // CI pipelines run with real access whatever they are called (`e2e.yml`).
    match environment_file_role(name).filter(|_| !is_ci_pipeline(&lower)) {
        Some(role) => return role,
        None if is_example_copy(name) => return PathRole::Docs,
        None => {}
    }
    // A template of a document (`README.md.gotmpl`, `index.rst.j2`) is a document.
    let name = without_template_suffix(name);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if segments.iter().any(|s| is_doc_dir(s))
        || is_translation_catalog(name)
        || matches!(ext, "md" | "mdx" | "markdown" | "rst" | "adoc" | "asciidoc")
        // Apple's UI text catalogs.
        || matches!(ext, "strings" | "stringsdict" | "xcstrings")
        || is_manual_page(&lower)
    {
        return PathRole::Docs;
    }
    PathRole::Code
}

/// A Unix manual page: troff source (`man/syncthing-config.5`, `man1/tool.1`,
/// `doc/app.3pm`, `*.man`, `*.roff`). Its sample configs are shown to the reader.
fn is_manual_page(lower_path: &str) -> bool {
    let mut segments = lower_path.rsplit('/');
    let name = segments.next().unwrap_or("");
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let section = ext.starts_with(|c: char| ('1'..='9').contains(&c))
        && ext.len() <= 4
        && ext.bytes().skip(1).all(|b| b.is_ascii_lowercase());
    let in_manual = segments.any(|s| {
        s == "man"
            || s == "manpages"
            || s == "man-pages"
            || s.strip_prefix("man")
                .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit())
    });
    matches!(ext, "man" | "roff") || (section && in_manual)
}

/// A CI pipeline definition (`.github/workflows/*.yml`, `.gitlab-ci.yml`, CircleCI,
/// Azure and Bitbucket pipelines).
pub(crate) fn is_ci_pipeline(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or("");
    lower.contains(".github/workflows/")
        || lower.contains(".gitea/workflows/")
        || lower.contains(".forgejo/workflows/")
        || lower.contains(".circleci/")
        || lower.contains(".buildkite/")
        || lower.contains(".woodpecker/")
        || name.ends_with("-ci.yml")
        || name.ends_with("pipelines.yml")
        // `azure-pipelines-nightly.yml`, GitLab's included `.gitlab/*.yml`.
        || name.starts_with("azure-pipelines")
        || lower.starts_with(".gitlab/")
        || lower.contains("/.gitlab/")
        // Drone (`.drone.yml`, Starlark `.drone.star`, `.drone.jsonnet`), Woodpecker,
        // Travis, AppVeyor, Cloud Build, Jenkins.
        || name.starts_with(".drone.")
        || matches!(
            name,
            ".woodpecker.yml"
                | ".woodpecker.yaml"
                | ".travis.yml"
                | "appveyor.yml"
                | ".appveyor.yml"
                | "cloudbuild.yaml"
                | "cloudbuild.yml"
                | "jenkinsfile"
        )
}

/// A Makefile (`Makefile`, `GNUmakefile`, `build.mk`).
pub(crate) fn is_makefile(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    matches!(name, "Makefile" | "makefile" | "GNUmakefile") || name.ends_with(".mk")
}

/// A secret scanner's own configuration (`.gitleaks.toml`, a detect-secrets
/// `.secrets.baseline`, `.gitguardian.yaml`, `.talismanrc`): its allow-lists hold
/// values declared not secret.
pub(crate) fn is_secret_scanner_config(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or("");
    matches!(
        name,
        ".gitleaks.toml"
            | "gitleaks.toml"
            | ".gitleaksignore"
            | ".secrets.baseline"
            | ".gitguardian.yaml"
            | ".gitguardian.yml"
            | ".talismanrc"
            | ".secretlintrc"
            | ".secretlintrc.json"
            | ".secretlintrc.yml"
            | ".secretlintrc.yaml"
            | ".trufflehogignore"
    )
}

/// What a folder named `test…` in one word is for (`testserver`, `testenv`).
const TEST_COMPOUND_TAILS: &[&str] = &[
    "server",
    "servers",
    "env",
    "envs",
    "bed",
    "beds",
    "suite",
    "suites",
    "harness",
    "infra",
    "cluster",
    "clusters",
    "setup",
    "app",
    "apps",
    "kit",
    "lib",
    "libs",
    "util",
    "utils",
    "helper",
    "helpers",
    "case",
    "cases",
    // What a test reads: `testyaml/`, `testfiles/`, `testresources/`, `testcerts/`.
    "yaml",
    "yamls",
    "files",
    "fixtures",
    "resources",
    "assets",
    "certs",
    "keys",
    "support",
    "config",
    "configs",
];

/// Kinds of test that name a folder run together with `test(s)`: `integrationtests/`,
/// `unittest/`, `acceptancetests/`.
const TEST_KIND_PREFIXES: &[&str] = &[
    "integration",
    "unit",
    "system",
    "acceptance",
    "functional",
    "smoke",
    "api",
    "ui",
    "load",
    "perf",
    "regression",
    // `ci/kubetest/`: resources a chart's test cluster installs.
    "kube",
];

/// A folder of tests: a listed name, or one whose words say so (`upgrade-tests`,
/// `integrationtests`, `testyaml`,
/// `test_helpers`, `examples_and_test_scripts`, `oidc-conformance`, a conformance
/// suite's `certification/` logs).
fn is_test_dir(segment: &str) -> bool {
    TEST_DIRS.contains(&segment)
        // `testserver/`, `testenv/`, `testbed/`: `test` run on into what it is for
        // (not `testament/`).
        || segment
            .strip_prefix("test")
            .is_some_and(|rest| TEST_COMPOUND_TAILS.contains(&rest))
        || segment
            .strip_suffix("tests")
            .or_else(|| segment.strip_suffix("test"))
            .is_some_and(|kind| TEST_KIND_PREFIXES.contains(&kind))
        // `e2econfig/`, `e2e-config/`: what an end-to-end run starts with.
        || segment
            .strip_prefix("e2e")
            .is_some_and(|rest| TEST_COMPOUND_TAILS.contains(&rest))
        // `Docker-env-testing/`: a local test environment.
        || segment.split(['_', '-', '.']).any(|word| {
            matches!(
                word,
                "test" | "tests" | "testing" | "e2e" | "conformance" | "certification"
            )
        })
}

/// Name parts of a config file that say which environment it configures: a test
/// run's, CI's or a developer's machine (`dev.exs`, `application-dev.yml`,
/// `docker-compose.dev.yml`), where secrets are made up for local runs.
const TEST_ENVIRONMENTS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "ci",
    // `.env.travis`: the environment a hosted CI's test run gets.
    "travis",
    "circleci",
    "e2e",
    "cypress",
    "integration",
    "dev",
    "development",
    // `.env.bitbucket-pipelines`: what a hosted CI's test run gets.
    "pipelines",
];
const EXAMPLE_ENVIRONMENTS: &[&str] = &[
    "example", "examples", "sample", "dist", "template", "demo", "tmpl", "defaults",
];

/// Extensions of configuration files, which may be named for an environment.
const CONFIG_EXTENSIONS: &[&str] = &[
    "yml",
    "yaml",
    "json",
    "toml",
    "ini",
    "env",
    "exs",
    "rb",
    "py",
    "php",
    "js",
    "ts",
    "cjs",
    "mjs",
    "properties",
    "conf",
    "cfg",
    "xml",
    // A SQL script named for a demo or a test (`b00_create_db_demo.sql`, `seed_test.sql`).
    "sql",
];

/// The role of a dotenv file (`.env.test`, `ci.env`) or config file
/// (`compose.ci.yaml`, `config/dev.exs`, `appsettings.Development.json`) by the
/// environment its name gives: a test, CI or development setup, or an example to
/// copy from. `.env.local` and `production.rb` are the real thing.
fn environment_file_role(name: &str) -> Option<PathRole> {
    let dotenv = name.starts_with(".env") || name.ends_with(".env");
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if !dotenv && !CONFIG_EXTENSIONS.contains(&ext) {
        return None;
    }
    let parts: Vec<&str> = name.split(['.', '-', '_']).collect();
    // `config/dev.secret.exs`: the file a framework keeps a developer's own secrets
    // in, out of git (Phoenix's generated `.gitignore`); committed, it leaks them.
    let secrets_file = parts.iter().any(|p| matches!(*p, "secret" | "secrets"))
        && parts.iter().any(|p| matches!(*p, "dev" | "development"));
    if secrets_file {
        None
    } else if parts.iter().any(|p| TEST_ENVIRONMENTS.contains(p)) {
        Some(PathRole::Test)
    } else if parts.iter().any(|p| EXAMPLE_ENVIRONMENTS.contains(p)) {
        Some(PathRole::Docs)
    } else {
        None
    }
}

/// A copy to start from: `config.yml.example`, `settings.py.sample`, `app.ini.dist`.
fn is_example_copy(name: &str) -> bool {
    let copy_word = |w: &str| matches!(w, "example" | "sample" | "dist" | "template" | "demo");
    // `values.default.yaml`, `config.sample.json`: the word before the format's
    // extension (a chart's defaults to override, a sample to copy).
    let parts: Vec<&str> = name.split('.').collect();
    let middle = parts.len() >= 3
        && !parts[0].is_empty()
        && parts[1..parts.len() - 1]
            .iter()
            .any(|w| copy_word(w) || *w == "default");
    middle
        || name
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && copy_word(ext))
}

/// `README.md.gotmpl` → `README.md`, `howto.html.twig` → `howto.html`: the file a
/// template renders.
fn without_template_suffix(name: &str) -> &str {
    ["gotmpl", "tmpl", "tpl", "j2", "jinja", "erb", "twig"]
        .iter()
        .find_map(|t| name.strip_suffix(t).and_then(|n| n.strip_suffix('.')))
        .unwrap_or(name)
}

/// Prose: a page people read (Markdown, reStructuredText, AsciiDoc, plain text,
/// HTML), as opposed to a config file or script among the examples.
pub(crate) fn is_prose_document(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or("");
    let name = without_template_suffix(name);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    // UI text and its translations are prose in any format (`lang/fr/auth.php`,
    // Apple's `de.lproj/Localizable.strings`).
    let translation = lower.split('/').any(|s| {
        matches!(
            s,
            "locale" | "locales" | "i18n" | "l10n" | "translations" | "lang" | "language"
        ) || s.ends_with(".lproj")
    }) || matches!(ext, "strings" | "stringsdict" | "xcstrings");
    translation
        || is_translation_catalog(name)
        || is_manual_page(&lower)
        || matches!(
            ext,
            "md" | "mdx" | "markdown" | "rst" | "adoc" | "asciidoc" | "txt" | "html" | "htm"
        )
}

/// ISO 639-1 language codes: the names of translation catalogs (`de.json`).
const LANGUAGE_CODES: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca \
    ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv \
    ha he hi ho hr ht hu hy hz ia ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku \
    kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt na nb nd ne ng nl nn no nr nv ny \
    oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su \
    sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// A translation catalog named for its language (`de.json`, `pt-BR.json`,
/// `zh_Hans.yml`, `es_419.json`, as in Paraglide's `messages/`) or for its module
/// and locale (`storefront.de-DE.json`): UI text.
fn is_translation_catalog(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(
        ext,
        "json" | "yml" | "yaml" | "arb" | "toml" | "properties" | "po"
    ) {
        return false;
    }
    // `storefront.de-DE.json`: a module's catalog, named for it and its locale.
    // A Java resource bundle names its locale after `_` (`messages_si.properties`,
    // `messages_pt_BR.properties`).
    let bundle = ext == "properties"
        && stem
            .match_indices('_')
            .any(|(at, _)| at > 0 && is_locale_tag(&stem[at + 1..], false));
    is_locale_tag(stem, false)
        || bundle
        || stem
            .rsplit_once('.')
            .is_some_and(|(_, tag)| is_locale_tag(tag, true))
}

/// A language code with an optional region: a country (`pt-BR`), a script
/// (`zh_Hans`) or a UN M.49 region (`es_419`). With `country_only` a country or
/// M.49 region is required, as in a folder's name (`snippet/de_DE/`), where a
/// script-length word would read `eu-west` as Basque.
fn is_locale_tag(tag: &str, country_only: bool) -> bool {
    let mut parts = tag.split(['-', '_']);
    let language = parts.next().unwrap_or("");
    let region = parts.next();
    let country = |r: &str| {
        (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
            || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
    };
    let script = |r: &str| r.len() == 4 && r.bytes().all(|b| b.is_ascii_alphabetic());
    parts.next().is_none()
        && language.len() == 2
        && LANGUAGE_CODES
            .split_whitespace()
            .any(|code| code.eq_ignore_ascii_case(language))
        && match region {
            None => !country_only,
            Some(r) => country(r) || (!country_only && script(r)),
        }
}

/// A web page or a view template of one (`index.html`, `howto.html.twig`,
/// `show.html.erb`, `card.hbs`, `show.blade.php`, a Vue or Svelte component): what it holds is shown to every visitor, so a
/// secret-named value in it is a form field, a label or a sample, not a credential.
pub(crate) fn is_web_page(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or("");
    let page = without_template_suffix(name);
    [
        ".html",
        ".htm",
        ".hbs",
        ".mustache",
        ".njk",
        ".liquid",
        ".vue",
        ".svelte",
        // Laravel's Blade views (`show.blade.php`).
        ".blade.php",
    ]
    .iter()
    .any(|ext| page.ends_with(ext))
}

/// Source files of programming languages, where a string literal is always
/// quoted: an unquoted value there (`token: Uint8Array`, `password = hunter2`)
/// is a type or a variable.
pub(crate) fn is_program_source(path: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "ts", "tsx", "js", "jsx", "mjs", "cjs", "go", "java", "kt", "kts", "scala", "cs", "swift",
        "rs", "py", "rb", "php", "dart", "c", "cc", "cpp", "h", "hpp", "m", "ex", "exs", "lua",
        "groovy", // GraphQL schemas: `token: ClusterToken!` is a field's type.
        "graphql", "graphqls", "gql",
    ];
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    EXTENSIONS.contains(&ext.as_str())
}

/// As [`is_program_source`], also reading a script without an extension by its
/// shebang (`#!/usr/bin/env python` in `scripts/backup`). Shell scripts are not
/// programs here: `PASSWORD=hunter2` there is an unquoted literal.
pub(crate) fn is_program_text(path: &str, text: &str) -> bool {
    if is_program_source(path) {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some(shebang) = text.lines().next().and_then(|l| l.strip_prefix("#!")) else {
        return false;
    };
    !name.contains('.')
        && shebang
            .split(['/', ' '])
            .filter(|w| !w.is_empty())
            .any(|w| {
                let interpreter = w.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
                matches!(interpreter, "python" | "ruby" | "node" | "perl" | "php")
            })
}

/// Name segments that call a value a fixture.
const FIXTURE_WORDS: &[&str] = &[
    "test", "testing", "fake", "dummy", "mock", "example", "sample", "fixture", "insecure",
];

/// Whether the identifier a value at `span` is assigned to (on its line, or the
/// line before for a block such as YAML's `key: |`) calls it a fixture:
/// `TEST_FAKE_RSA_KEY_0 = "-----BEGIN…"`, `dummyPrivateKey:`.
pub(crate) fn named_as_fixture(text: &str, span: crate::source::Span) -> bool {
    let start = (span.start as usize).min(text.len());
    let head = text.get(..start).unwrap_or("");
    let mut lines = head.rsplit('\n');
    let own = lines.next().unwrap_or("");
    let owner = if own.trim().trim_matches(['"', '\'', '`']).is_empty() {
        lines.find(|l| !l.trim().is_empty()).unwrap_or("")
    } else {
        own
    };
    owner
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.len() >= 4)
        .any(is_fixture_name)
}

/// Whether an identifier calls its value a fixture (`fakePass`, `TEST_TOKEN`).
pub(crate) fn is_fixture_name(name: &str) -> bool {
    super::names::normalize_name(name)
        .split('_')
        .any(|seg| FIXTURE_WORDS.contains(&seg))
}

/// Name parts of a file of test data.
const TEST_DATA_WORDS: &[&str] = &[
    "fixture",
    "fixtures",
    "stub",
    "stubs",
    "testdata",
    // `e2etest_service.go`: what an end-to-end run seeds.
    "e2e",
    "e2etest",
    "e2etests",
    // `mock-events.ts`, `fake_users.go`: made-up data for previews and tests.
    "mock",
    "mocks",
    "fake",
    "fakes",
    // `hookdeck-samples.json`: recorded or made-up payloads (`config.sample.yml`,
    // singular, is an example copy).
    "samples",
    // Test data builders: ExMachina's `factory.ex`, factory_bot's `user_factory.rb`.
    "factory",
    "factories",
    // `dummy_data.json`, `dummy-users.ts`: stand-in records for a demo or a test.
    "dummy",
];

/// `foo_test.go`, `test_foo.py`, `foo.spec.ts`, `foo_spec.rb`, `FooTest.java`, `conftest.py`.
/// A test class named as JUnit, PHPUnit, XCTest, Apex, Spock and ScalaTest name
/// them: `SalesDashboardTest.cls`, `UserServiceTests.swift`, `LoginSpec.groovy`
/// (the capital sets `Test` apart from `latest.php` or `contest.kt`).
fn is_test_class_file(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(
        ext,
        "java" | "kt" | "cs" | "cls" | "php" | "groovy" | "scala" | "swift" | "m"
    ) && ["Test", "Tests", "Spec"]
        .iter()
        .any(|suffix| stem.len() > suffix.len() && stem.ends_with(suffix))
}

fn is_test_file_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    // Go names a test by what precedes its extension, dots and all
    // (`auth.password_e2e_test.go`).
    let base = name.rsplit_once('.').map_or(name, |(base, _)| base);
    stem.starts_with("test_")
        || stem.ends_with("_test")
        || base.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_testing")
        || stem.ends_with("_spec")
        // Bats suites.
        || name.ends_with(".bats")
        || stem.ends_with("test") && name.ends_with(".java")
        || stem.ends_with("tests") && (name.ends_with(".java") || name.ends_with(".cs"))
        || name.contains(".test.")
        || name.contains(".spec.")
        || name == "conftest.py"
        // Storybook stories: a component rendered with sample props, its visual tests.
        || name.contains(".stories.")
        || name.contains(".story.")
        // Perl and Test::Nginx test scripts.
        || name.ends_with(".t")
        // Mocks and fakes: `mock.ts`, `fake.go`, `api.mock.ts`, `client_fake.go`.
        || matches!(stem, "mock" | "mocks" | "fake" | "fakes")
        || stem.ends_with("_mock")
        || stem.ends_with("_fake")
        || name.contains(".mock.")
        // Test data named for what it is: `auth_session_fixtures.go`,
        // `userFixtures.ts`, `api.stub.js`, `stubs.py`.
        || stem
            .split(['_', '-'])
            .chain(name.split('.').skip(1))
            .any(|part| TEST_DATA_WORDS.contains(&part))
        || stem.ends_with("fixtures")
        // Test runners' setup files: `vitestSetup.ts`, `jest.setup.js`, `setupTests.ts`.
        || stem.starts_with("vitest")
        || stem.starts_with("jest")
        || stem == "setuptests"
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
            "buildscripts/upgrade-tests/minio.env",
            "internal/configuration/test_resources/config.yml",
            "internal/suites/OIDC/configuration.yml",
            ".env.test",
            ".ci/.env.ci",
            ".ci/compose.ci.yaml",
            "docker-compose.e2e.yml",
            "internal/entity/auth_session_fixtures.go",
            "src/userFixtures.ts",
            "src/api.stub.js",
            "contrib/local-environment/oauth2-proxy.cfg",
            "examples/oidc-conformance/config.yaml.tmpl",
            "charts/private-action-runner/ci/kubeconform-values.yaml",
            "contrib/cassandra/test.sql",
            "internal/certification/C.F.T.T.s/OP-IDToken-RS256.txt",
            "client/.snapshots/TestHandler-create.json",
            "src/__snapshots__/app.test.ts.snap",
            "app/tests.py",
        ] {
            assert_eq!(path_role(path), PathRole::Test, "{path}");
        }
        for path in [
            "docs/setup.md",
            "README.md",
            "examples/basic/main.tf",
            "charts/app/README.md.gotmpl",
            ".env.example",
            ".env.local.demo",
            "config/settings.yml.sample",
        ] {
            assert_eq!(path_role(path), PathRole::Docs, "{path}");
        }
        for path in [
            "config/settings.py",
            "src/latest.rs",
            "app/contest.rb",
            "internal/testament/x.go",
            "templates/secret.yaml.tpl",
            ".env",
            ".env.production",
            "compose.yml",
            ".gitlab-ci.yml",
            "latest/contest/app.py",
            "src/stubborn.go",
            "app/fixturesmanager.rb",
            "ci/deploy.yaml",
            ".github/workflows/test.yml",
            "src/testing.rs",
        ] {
            assert_eq!(path_role(path), PathRole::Code, "{path}");
        }
    }

    #[test]
    fn fixture_names() {
        use crate::source::Span;
        let text = "const TEST_FAKE_RSA_KEY_0: &str = \"KEY\";\nprivateKey: |\n  KEY\nserverKey = \"KEY\"\n";
        let at = |n: usize| {
            let start = text
                .match_indices("KEY")
                .map(|(i, _)| i)
                .filter(|i| text.get(i.saturating_sub(1)..*i) != Some("_"))
                .nth(n)
                .unwrap_or(0) as u32;
            Span {
                start,
                end: start + 3,
            }
        };
        assert!(super::named_as_fixture(text, at(0)));
        assert!(!super::named_as_fixture(text, at(1)));
        assert!(!super::named_as_fixture(text, at(2)));
    }
}
