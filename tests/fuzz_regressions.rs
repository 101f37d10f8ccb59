//! Replays every input the fuzzers found (fuzz/regressions/<target>/) through the same
//! entry points the fuzz targets call (`devops_lint::fuzzing`), as an ordinary test: CI
//! runs these, not the fuzzers (see docs/fuzzing.md). Each must return, without a
//! panic, well within a time budget (the fuzzers flag inputs slower than a few seconds).

use std::time::{Duration, Instant};

use devops_lint::fuzzing::TARGETS;

use crate::common;

/// Generous: a debug build is ~20x slower than the fuzzers' release build.
const BUDGET: Duration = Duration::from_secs(10);

#[test]
fn saved_fuzz_inputs_replay_cleanly() {
    let root = common::repo_root().join("fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else {
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).expect("read regression input");
            let started = Instant::now();
            target(&data);
            let took = started.elapsed();
            eprintln!("{:>8.3}s {}", took.as_secs_f64(), file.display());
            assert!(took < BUDGET, "{}: took {took:?}", file.display());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} saved fuzz inputs");
    // Every directory under fuzz/regressions names a target.
    if let Ok(entries) = std::fs::read_dir(&root) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(
                TARGETS.iter().any(|(t, _)| *t == name),
                "fuzz/regressions/{name} is not a fuzz target"
            );
        }
    }
}

/// Every fixture through every target: the seeds the corpora start from must pass.
/// The pipeline gets each fixture under the path of its own kind.
#[test]
fn fixtures_pass_every_target() {
    use devops_lint::discover::classify;
    use devops_lint::fuzzing::PIPELINE_PATHS;
    let fixtures = common::fixtures();
    for file in common::files_under(&fixtures) {
        let data = std::fs::read(&file).expect("read fixture");
        let rel = file
            .strip_prefix(&fixtures)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let text = String::from_utf8_lossy(&data);
        let kind = classify(&rel, &text);
        let selector = PIPELINE_PATHS
            .iter()
            .position(|p| classify(p, &text) == kind)
            .unwrap_or(PIPELINE_PATHS.len() - 2);
        for (name, target) in TARGETS {
            if name == "pipeline" {
                let mut input = vec![selector as u8];
                input.extend_from_slice(&data);
                target(&input);
            } else {
                target(&data);
            }
        }
    }
}

#[test]
fn the_fuzz_targets_entry_points_are_public() {
    // fuzz/fuzz_targets/*.rs call these from another crate: they must stay `pub`
    // (the crate is otherwise `pub(crate)` by default), and TARGETS lists each.
    let entry_points: [(&str, devops_lint::fuzzing::Target); 7] = [
        ("hcl", devops_lint::fuzzing::hcl),
        ("yaml", devops_lint::fuzzing::yaml),
        ("dockerfile", devops_lint::fuzzing::dockerfile),
        ("gha_expr", devops_lint::fuzzing::gha_expr),
        ("suppress", devops_lint::fuzzing::suppress),
        ("config", devops_lint::fuzzing::config),
        ("pipeline", devops_lint::fuzzing::pipeline),
    ];
    for (name, _) in entry_points {
        assert!(
            TARGETS.iter().any(|(target, _)| *target == name),
            "{name} is not in fuzzing::TARGETS"
        );
        assert!(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("fuzz/fuzz_targets/{name}.rs"))
                .is_file(),
            "fuzz/fuzz_targets/{name}.rs is missing"
        );
    }
}
