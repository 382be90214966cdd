//! Same input, byte-identical output: every command and format, run twice as separate processes
//! (each with its own hash seed, so no hash order can leak into the bytes).

mod common;

use common::kpi;

fn output(args: &[&str]) -> Vec<u8> {
    let out = kpi().args(args).output().expect("kpi runs");
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{args:?}"
    );
    out.stdout
}

/// A department of `projects` projects generated with `seed`, in a directory of its own.
fn generated(projects: &str, seed: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    kpi()
        .args(["generate", "--projects", projects, "--seed", seed, "--out"])
        .arg(dir.path())
        .assert()
        .success();
    dir
}

/// The standard output of a run that must succeed; its standard error when it does not.
fn stdout_of(command: &mut assert_cmd::Command) -> Vec<u8> {
    let out = command.output().expect("kpi runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn every_output_is_byte_identical_across_runs() {
    let example = "examples/actuals-2024.csv";
    let commands: Vec<Vec<&str>> = vec![
        vec!["import", "--format", "summary", "-q"],
        vec!["import", "--format", "json", "-q"],
        vec!["import", "--format", "spec", "-q"],
        vec!["template"],
        vec!["lint"],
        vec!["lint", "--format", "json"],
        vec!["eval", example, "-q", "--format", "text"],
        vec!["eval", example, "-q", "--format", "md"],
        vec!["eval", example, "-q", "--format", "json"],
        vec!["eval", example, "-q", "--format", "csv"],
        vec!["eval", example, "-q", "--format", "html"],
        vec!["eval", example, "-q", "--format", "xlsx"],
        vec![
            "eval",
            example,
            "-q",
            "--format",
            "json",
            "--profile",
            "hubei",
            "--as-of",
            "2024-06-30",
        ],
    ];
    for args in commands {
        let first = output(&args);
        assert!(!first.is_empty(), "{args:?} writes something");
        assert_eq!(first, output(&args), "{args:?} differs between runs");
    }
}

#[test]
fn the_template_workbook_is_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    for path in [&a, &b] {
        kpi().args(["template", "-o"]).arg(path).assert().success();
    }
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

/// The targets and the actuals are read, the projects scored and the JSON report written on
/// several threads for large inputs: the bytes are those of one thread, whatever the number.
#[test]
fn reports_are_the_same_whatever_the_number_of_threads() {
    let dir = generated("700", "3");
    let actuals = dir.path().join("actuals.csv");
    // Each file is several parts of a quarter megabyte, the size read on a thread of its own.
    for file in ["actuals.csv", "targets.kpi", "disclosure.txt"] {
        let size = std::fs::metadata(dir.path().join(file)).unwrap().len();
        assert!(size > 3 * 262_144, "{file}: {size} bytes");
    }
    for (targets, format) in [
        ("targets.kpi", "json"),
        ("targets.kpi", "text"),
        ("disclosure.txt", "json"),
    ] {
        let run = |jobs: Option<&str>| {
            let mut command = kpi();
            command
                .arg("eval")
                .arg(&actuals)
                .arg("--targets")
                .arg(dir.path().join(targets))
                .args(["-q", "--format", format]);
            if let Some(jobs) = jobs {
                command.args(["--jobs", jobs]);
            }
            stdout_of(&mut command)
        };
        let one = run(Some("1"));
        assert!(one.len() > 1_000_000, "{format}: a report of 700 projects");
        for jobs in [Some("2"), Some("5"), None] {
            assert!(
                one == run(jobs),
                "{targets}, {format} with --jobs {jobs:?} differs from one thread"
            );
        }
    }
}

/// Files of 4 MiB and more are mapped rather than read (src/cli/output.rs, whose unit test
/// checks which is which): the report is the same as for the same bytes through a pipe
/// (assert_cmd feeds standard input through one), which is read; so is `kpi import`'s JSON,
/// which carries the text it was read from.
#[cfg(unix)]
#[test]
fn mapped_files_read_as_piped_ones() {
    let dir = generated("3500", "5");
    let actuals = dir.path().join("actuals.csv");
    let targets = dir.path().join("targets.kpi");
    for file in [&actuals, &targets] {
        let size = std::fs::metadata(file).unwrap().len();
        assert!(
            size > 1 << 22,
            "{}: {size} bytes, below the size mapped",
            file.display()
        );
    }
    let run = |actuals: &std::path::Path, targets: &std::path::Path, piped: &std::path::Path| {
        stdout_of(
            kpi()
                .arg("eval")
                .arg(actuals)
                .arg("--targets")
                .arg(targets)
                .args(["-q", "--format", "csv"])
                .write_stdin(std::fs::read(piped).unwrap()),
        )
    };
    let stdin = std::path::Path::new("/dev/stdin");
    let mapped = run(&actuals, &targets, &actuals);
    assert!(mapped.len() > 1_000_000, "a report of 3500 projects");
    assert!(
        mapped == run(stdin, &targets, &actuals),
        "actuals through a pipe"
    );
    assert!(
        mapped == run(&actuals, stdin, &targets),
        "targets through a pipe"
    );
    let import = |file: &std::path::Path| {
        stdout_of(
            kpi()
                .arg("import")
                .arg(file)
                .args(["-q", "--format", "json"])
                .write_stdin(std::fs::read(&targets).unwrap()),
        )
    };
    let imported = import(&targets);
    assert!(
        imported.len() > 1 << 22,
        "the model and the text it was read from"
    );
    assert!(
        imported == import(stdin),
        "kpi import of targets through a pipe"
    );
}
