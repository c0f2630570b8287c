//! End-to-end tests of the `asl-lint` binary: exit codes, formats, file discovery, the
//! `rule` command, and bad input of every kind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const CLEAN: &str = r#"{
  "Comment": "clean",
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "B"},
    "B": {"Type": "Succeed"}
  }
}
"#;

const BROKEN: &str = r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "b"},
    "B": {"Type": "Succeed"}
  }
}
"#;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run asl-lint")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn asl-lint");
    // A run that stops before reading (a usage error) closes the pipe early.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "asl-lint-cli-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `check --format json`, parsed.
fn json_check(paths: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(paths);
    let o = run(&args);
    let v: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&o)));
    (code(&o), v.as_array().expect("a JSON array").clone())
}

fn codes(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["code"].as_str().unwrap()).collect()
}

// ---------------------------------------------------------------- exit codes

#[test]
fn clean_file_exits_0() {
    let dir = TempDir::new();
    let f = dir.write("ok.asl.json", CLEAN);
    let o = run(&["check", s(&f)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "All checks passed (1 file).\n");
    assert_eq!(stderr(&o), "");
}

#[test]
fn file_with_errors_exits_1() {
    let dir = TempDir::new();
    let f = dir.write("bad.asl.json", BROKEN);
    let o = run(&["check", "--format", "concise", s(&f)]);
    assert_eq!(code(&o), 1);
    let shown = f.display();
    assert_eq!(
        stdout(&o),
        format!(
            "{shown}:4:35: ASL201 [error] Next names \"b\", which is not a state of the top level\n\
             {shown}:5:5: ASL205 [error] state \"B\" is not reachable from StartAt\n\
             Found 2 errors in 1 file.\n\
             1 fixable with `--unsafe-fixes`.\n"
        )
    );
}

#[test]
fn missing_path_exits_2_naming_it() {
    let o = run(&["check", "no/such/file.asl.json"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no/such/file.asl.json: no such file or directory"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_path_among_good_ones_still_exits_2() {
    let dir = TempDir::new();
    let f = dir.write("ok.asl.json", CLEAN);
    let o = run(&["check", s(&f), "missing.asl.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("missing.asl.json"));
    // The summary does not read as passed, and GitHub gets an annotation saying why
    // the step failed.
    assert_eq!(
        stdout(&o),
        "All checks passed (1 file).\n1 path could not be checked (see the error below).\n"
    );
    let o = run(&["check", "--format", "github", s(&f), "missing.asl.json"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stdout(&o),
        "::error title=asl-lint::missing.asl.json: no such file or directory\n"
    );
}

#[test]
fn not_a_file_or_directory_exits_2() {
    if !Path::new("/dev/null").exists() {
        return;
    }
    let o = run(&["check", "/dev/null"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("/dev/null: not a file or directory"),
        "{}",
        stderr(&o)
    );
}

/// A dangling symbolic link in a walked folder is passed over, even under a
/// definition's name; named on the command line, it is an error.
#[cfg(unix)]
#[test]
fn dangling_links_in_a_walked_folder() {
    let dir = TempDir::new();
    dir.write(
        "ok.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    );
    std::os::unix::fs::symlink(dir.path().join("gone.md"), dir.path().join("README.md")).unwrap();
    let o = run(&["check", s(dir.path())]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::os::unix::fs::symlink(
        dir.path().join("gone.json"),
        dir.path().join("lost.asl.json"),
    )
    .unwrap();
    let o = run(&["check", s(dir.path())]);
    assert_eq!(
        (code(&o), stdout(&o), stderr(&o)),
        (
            0,
            "All checks passed (1 file).\n".to_string(),
            String::new()
        )
    );
    let lost = dir.path().join("lost.asl.json");
    let o = run(&["check", s(&lost)]);
    assert_eq!(
        (code(&o), stdout(&o), stderr(&o)),
        (
            2,
            String::new(),
            format!("error: {}: no such file or directory\n", lost.display())
        )
    );
}

/// pre-commit names every changed file: with `--force-exclude` the config's `exclude`
/// applies to them too, and when it leaves nothing the run succeeds.
#[test]
fn force_exclude_applies_exclude_to_named_files() {
    let dir = TempDir::new();
    dir.write("asl-lint.toml", "exclude = [\"cdk.out/**\"]\n");
    let bad = dir.write(
        "cdk.out/gen.asl.json",
        r#"{"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}}"#,
    );
    let good = dir.write(
        "flow.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    );
    // Named without the flag: checked, as the README says.
    assert_eq!(code(&run(&["check", s(&bad)])), 1);
    let o = run(&["check", "--force-exclude", s(&bad), s(&good)]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("(1 file)"), "{}", stdout(&o));
    let o = run(&["check", "--force-exclude", s(&bad)]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    // The name that standard input stands for too, as an editor pipes a buffer.
    let text = std::fs::read(&bad).unwrap();
    let args = ["check", "--force-exclude", "--stdin-filename", s(&bad)];
    let o = run_stdin(&args, &text);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = run_stdin(&["check", "--stdin-filename", s(&bad)], &text);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    // Fixing standard input prints the document: an excluded one unchanged, never
    // nothing (an editor writing the output back would empty the buffer).
    for fix in ["--fix", "--unsafe-fixes"] {
        let args = ["check", fix, "--force-exclude", "--stdin-filename", s(&bad)];
        let o = run_stdin(&args, &text);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(o.stdout, text, "{fix}");
    }
}

/// With `--config` in another folder, a file outside that folder is matched by its path
/// from the current folder, whether it is named by a relative or an absolute path.
#[test]
fn config_elsewhere_matches_files_from_the_current_folder() {
    let dir = TempDir::new();
    dir.write(
        "ci/asl-lint.toml",
        "[per-file-ignores]\n\"tests/fixtures/**\" = [\"ASL2\"]\n",
    );
    let file = dir.write(
        "tests/fixtures/o.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "b"}}}"#,
    );
    let absolute = std::fs::canonicalize(&file).unwrap();
    for named in ["tests/fixtures/o.asl.json", s(&absolute)] {
        let o = bin()
            .current_dir(dir.path())
            .args(["check", "--config", "ci/asl-lint.toml", named])
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{named}: {}", stdout(&o));
    }
}

/// `exclude` is for walks: a folder named on the command line is linted whatever
/// `exclude` says of it (`legacy/**` and `legacy` alike), though the patterns that
/// exclude something inside it still apply; with `--force-exclude` it is left out,
/// and a run that leaves out everything named succeeds. A walk that finds nothing but
/// what is excluded says so.
#[test]
fn exclude_applies_to_walks_not_to_folders_named() {
    let dir = TempDir::new();
    let broken = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "b"}}}"#;
    dir.write("legacy/l.asl.json", broken);
    dir.write("legacy/old/o.asl.json", broken);
    let in_dir = |cwd: &Path, args: &[&str]| {
        let o = bin().current_dir(cwd).args(args).output().unwrap();
        (code(&o), stdout(&o), stderr(&o))
    };
    let concise = ["check", "--format", "concise"];
    let l = "legacy/l.asl.json:1:59: ASL201 [error] Next names \"b\", which is not a state of the top level\n";
    let config = std::fs::canonicalize(dir.path())
        .unwrap()
        .join("asl-lint.toml");
    for pattern in ["legacy/**", "legacy", "./legacy/"] {
        dir.write(
            "asl-lint.toml",
            format!("exclude = [\"{pattern}\", \"legacy/old/**\"]\n"),
        );
        assert_eq!(
            in_dir(dir.path(), &[&concise[..], &["legacy"]].concat()),
            (1, format!("{l}Found 1 error in 1 file.\n"), String::new()),
            "{pattern}"
        );
        // Named as `.` from inside it, the same.
        let (exit, out, _) = in_dir(&dir.path().join("legacy"), &[&concise[..], &["."]].concat());
        assert_eq!((exit, out.lines().count()), (1, 2), "{pattern}: {out}");
        assert_eq!(
            in_dir(dir.path(), &["check", "--force-exclude", "legacy"]),
            (0, String::new(), String::new()),
            "{pattern}"
        );
        assert_eq!(
            in_dir(dir.path(), &["check", "."]),
            (
                2,
                String::new(),
                format!(
                    "error: no state machine definitions found outside what `exclude` in {} leaves out (name a path to lint it)\n",
                    config.display()
                )
            ),
            "{pattern}"
        );
    }
    // Named without the flag, a folder inside is linted too.
    assert_eq!(
        in_dir(dir.path(), &[&concise[..], &["legacy/old"]].concat()).0,
        1
    );
}

/// `--stdin-filename` names an unsaved buffer (no file on disk yet): the config's
/// `per-file-ignores` place it from any folder, as they place a file that exists.
#[test]
fn per_file_ignores_apply_to_a_stdin_filename_not_on_disk() {
    let dir = TempDir::new();
    dir.write(
        "asl-lint.toml",
        "[per-file-ignores]\n\"tests/fixtures/**\" = [\"ASL2\"]\n",
    );
    dir.write("tests/fixtures/old.asl.json", "{}");
    dir.write("sub/keep.txt", "");
    let text = br#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}"#;
    for (cwd, name) in [
        ("", "tests/fixtures/new.asl.json"),
        ("tests", "fixtures/new.asl.json"),
        ("sub", "../tests/fixtures/new.asl.json"),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .current_dir(dir.path().join(cwd))
            .args(["check", "--format", "concise", "--stdin-filename", name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text).unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "from {cwd:?}: {}", stdout(&o));
    }
}

/// A state name with control characters cannot write to the terminal through the text
/// formats: they are escaped, and each diagnostic stays on its line.
#[test]
fn text_formats_escape_control_characters() {
    let dir = TempDir::new();
    let path = dir.write(
        "evil.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "x\u001b[2J\nfake:1:1: ASL000 [error] injected"}}}"#,
    );
    let o = run(&["check", "--format", "concise", s(&path)]);
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert_eq!(out.lines().count(), 2, "{out:?}");
    assert!(out.contains(r"x\u001b[2J\nfake:1:1"), "{out:?}");
    let o = run(&["check", "--color", "never", s(&path)]);
    assert!(!stdout(&o).contains('\u{1b}'), "{:?}", stdout(&o));
}

/// A file named twice (or named and inside a named folder) is checked once.
#[test]
fn a_file_named_twice_is_checked_once() {
    let dir = TempDir::new();
    let path = dir.write(
        "flow.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#,
    );
    let o = run(&[
        "check",
        "--format",
        "concise",
        s(&path),
        s(&path),
        s(dir.path()),
    ]);
    assert_eq!(stdout(&o).matches("ASL201").count(), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("in 1 file."), "{}", stdout(&o));
}

#[test]
fn directory_without_definitions_exits_2() {
    let dir = TempDir::new();
    dir.write("package.json", "{}");
    dir.write("notes.txt", "hello");
    let o = run(&["check", s(dir.path())]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no state machine definitions found"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_select_or_ignore_code_exits_2() {
    let dir = TempDir::new();
    let f = dir.write("ok.asl.json", CLEAN);
    for flag in ["--select", "--ignore"] {
        let o = run(&["check", flag, "ASL999", s(&f)]);
        assert_eq!(code(&o), 2, "{flag}");
        assert!(
            stderr(&o).contains("`ASL999` matches no rule"),
            "{}",
            stderr(&o)
        );
    }
    let o = run(&["check", "--select", "ASL2,unknown-next-state", s(&f)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// The unsafe fix of a `$hash` algorithm (ASL613) edits the name inside the literal as
/// written: a YAML single-quoted string writes its quotes doubled, and the fixed file
/// still reads (QA: the fix ended the string early, and no fix of the file applied).
#[test]
fn hash_algorithm_fix_keeps_the_string_it_is_in() {
    let dir = TempDir::new();
    let text = "QueryLanguage: JSONata\nStartAt: P\nStates:\n  P:\n    Type: Pass\n    Output:\n      a: \"{% $hash($states.input.x, 'SHA256') %}\"\n      b: '{% $hash($states.input.x, ''sha256'') %}'\n    End: true\n";
    let f = dir.write("h.asl.yaml", text);
    let o = run(&["check", "--unsafe-fixes", s(&f)]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        text.replace("'SHA256'", "'SHA-256'")
            .replace("''sha256''", "''SHA-256''")
    );
}

/// A file that cannot be read at all is reported whatever `select` names (a narrowed
/// selection in pre-commit passed invalid JSON, a binary file, a file nested too deep);
/// `ignore` naming the code still leaves it out.
#[test]
fn select_never_hides_unreadable_files() {
    let dir = TempDir::new();
    let broken = dir.write("broken.asl.json", "{\"StartAt\": \"A\",");
    let binary = dir.write("bin.asl.json", b"\xff\xfe\x00\x01garbage\x00");
    let deep = dir.write(
        "deep.asl.json",
        format!("{}{}", "[".repeat(300), "]".repeat(300)),
    );
    let codes = |args: &[&str]| -> Vec<String> {
        let items: Vec<Value> = serde_json::from_slice(&run(args).stdout).unwrap();
        items
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_string())
            .collect()
    };
    for (file, code) in [(&broken, "ASL001"), (&binary, "ASL004"), (&deep, "ASL005")] {
        assert_eq!(
            codes(&["check", "--format", "json", "--select", "ASL7", s(file)]),
            [code],
            "{file:?}"
        );
        assert_eq!(
            codes(&[
                "check",
                "--format",
                "json",
                "--select",
                "ASL7",
                "--ignore",
                code,
                s(file)
            ]),
            Vec::<String>::new(),
            "{file:?}"
        );
    }
}

#[test]
fn unknown_option_exits_2() {
    let o = run(&["check", "--no-such-option"]);
    assert_eq!(code(&o), 2);
    let o = run(&["check", "--format", "xml", "x"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn fail_on_thresholds() {
    let dir = TempDir::new();
    let bad = dir.write("bad.asl.json", BROKEN);
    let ok = dir.write("ok.asl.json", CLEAN);
    let exit = |args: &[&str]| code(&run(args));
    assert_eq!(exit(&["check", "--fail-on", "never", s(&bad)]), 0);
    assert_eq!(exit(&["check", "--fail-on", "warning", s(&bad)]), 1);
    assert_eq!(exit(&["check", "--fail-on", "info", s(&bad)]), 1);
    assert_eq!(exit(&["check", "--fail-on", "error", s(&bad)]), 1);
    assert_eq!(exit(&["check", "--fail-on", "warning", s(&ok)]), 0);
    // --fail-on never does not hide usage errors.
    assert_eq!(
        exit(&["check", "--fail-on", "never", "missing.asl.json"]),
        2
    );
    // Ignoring the codes that fire makes the file pass.
    assert_eq!(exit(&["check", "--ignore", "ASL201,ASL205", s(&bad)]), 0);
}

// ---------------------------------------------------------------- stdin

#[test]
fn stdin_is_read_with_dash() {
    let o = run_stdin(&["check", "--format", "concise", "-"], BROKEN.as_bytes());
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).starts_with(
            "<stdin>:4:35: ASL201 [error] Next names \"b\", which is not a state of the top level\n"
        ),
        "{}",
        stdout(&o)
    );
    let o = run_stdin(
        &[
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "flows/order.asl.json",
            "-",
        ],
        CLEAN.as_bytes(),
    );
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "All checks passed (1 file).\n");
    let o = run_stdin(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "x.asl.json",
            "-",
        ],
        BROKEN.as_bytes(),
    );
    let items: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(items[0]["path"], "x.asl.json");
}

#[test]
fn fix_on_standard_input_in_a_machine_format_leaves_the_report_alone() {
    // The report goes to standard error beside the fixed text: no summary line after it.
    let text = b"StartAt: A\nStates:\n  A: {Type: pass, Next: Z}\n";
    for format in ["json", "sarif", "gitlab", "junit", "github"] {
        let o = run_stdin(&["check", "--fix", "--format", format, "-"], text);
        assert_eq!(
            stdout(&o),
            "StartAt: A\nStates:\n  A: {Type: Pass, Next: Z}\n"
        );
        assert!(!stderr(&o).contains("Fixed"), "{format}: {}", stderr(&o));
        if format == "json" {
            let items: Vec<Value> = serde_json::from_str(&stderr(&o)).unwrap();
            assert_eq!(codes(&items), ["ASL201"]);
        }
    }
}

#[test]
fn fix_on_standard_input_prints_the_fixed_document() {
    let text = br#"{"StartAt": "A", "States": {"A": {"Type": "pass", "End": true}}}"#;
    let o = run_stdin(&["check", "--fix", "--format", "concise", "-"], text);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#
    );
    assert!(
        stderr(&o).contains("Fixed 1 problem in 1 file."),
        "{}",
        stderr(&o)
    );
    // What is left is reported on standard error, and fails the run.
    let text = br#"{"StartAt": "A", "States": {"A": {"Type": "pass", "Next": "Nope"}}}"#;
    let o = run_stdin(&["check", "--fix", "--format", "concise", "-"], text);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}"#
    );
    assert!(stderr(&o).contains("ASL201"), "{}", stderr(&o));
    // Bytes that are not UTF-8 come back as they were.
    let o = run_stdin(&["check", "--fix", "-"], b"\xff{}");
    assert_eq!((code(&o), o.stdout.as_slice()), (1, &b"\xff{}"[..]));
    // With other paths, there is no one document to print.
    let o = run_stdin(&["check", "--fix", "-", "examples"], text);
    assert_eq!(code(&o), 2);
}

/// `--fix` on a template piped in prints the template and writes no file: not even
/// the definition file it names, whose fixes are left counted as fixable.
#[test]
fn fixing_a_template_on_stdin_writes_no_file_it_names() {
    let dir = TempDir::new();
    let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  SM:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm.asl.json\n";
    dir.write("template.yaml", template);
    let definition = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Finsh"}, "Finish": {"Type": "Succeed"}}}"#;
    let file = dir.write("sm.asl.json", definition);
    for args in [
        &[
            "check",
            "--unsafe-fixes",
            "--stdin-filename",
            "template.yaml",
        ][..],
        &["check", "--unsafe-fixes", "-"][..],
    ] {
        let mut child = bin()
            .current_dir(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(template.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(stdout(&o), template, "{args:?}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            definition,
            "{args:?}"
        );
        assert_eq!(code(&o), 1, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("ASL201") && stderr(&o).contains("1 fixable with"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // Named on the command line, the file is fixed.
    let o = bin()
        .current_dir(dir.path())
        .args(["check", "--unsafe-fixes", "template.yaml"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains(r#""Next": "Finish""#)
    );
}

/// A `${Name}` that the template's DefinitionSubstitutions do not give is never filled
/// (ASL806, with the name meant); a map the template computes may give it (ASL801).
#[test]
fn a_name_no_substitution_gives_is_an_error() {
    let dir = TempDir::new();
    dir.write(
        "sm.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${WorkArN}", "End": true}}}"#,
    );
    let template = |subs: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  SM:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm.asl.json\n      DefinitionSubstitutions: {subs}\n"
        )
    };
    dir.write(
        "template.yaml",
        template("{WorkArn: arn:aws:lambda:us-east-1:123456789012:function:w}"),
    );
    let o = bin()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "template.yaml"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    let items: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["code"], "ASL806");
    assert_eq!(items[0]["path"], "sm.asl.json");
    assert_eq!(
        items[0]["message"],
        "`${WorkArN}` is not in the DefinitionSubstitutions of \"SM\" in template.yaml: nothing fills it, and Step Functions gets the text as written"
    );
    assert_eq!(items[0]["help"], "did you mean `${WorkArn}`?");
    // A map the template computes, in the short form or the long one.
    for computed in [
        "!If [Prod, {WorkArn: a}, {WorkArn: b}]",
        "{\"Fn::If\": [Prod, {WorkArn: a}, {WorkArn: b}]}",
    ] {
        dir.write("template.yaml", template(computed));
        let o = bin()
            .current_dir(dir.path())
            .args(["check", "--format", "concise", "template.yaml"])
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{computed}: {}", stdout(&o));
        assert!(
            stdout(&o).contains("ASL801 [info] `${WorkArN}` is not resolved here"),
            "{computed}: {}",
            stdout(&o)
        );
    }
}

/// A template whose DefinitionUri names the template itself holds no definition
/// there: ASL802, where it passed silently.
#[test]
fn a_template_naming_itself_as_its_definition_file() {
    let dir = TempDir::new();
    dir.write(
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Self:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: ./template.yaml\n",
    );
    for named in [".", "template.yaml"] {
        let o = bin()
            .current_dir(dir.path())
            .args(["check", "--format", "concise", named])
            .output()
            .unwrap();
        assert_eq!(code(&o), 1, "{named}");
        assert_eq!(
            stdout(&o),
            "template.yaml:6:22: ASL802 [error] DefinitionUri of \"Self\" names `./template.yaml`, which is this file itself, not a state machine definition\nFound 1 error in 1 file.\n",
            "{named}"
        );
    }
}

#[test]
fn stdin_filename_reads_standard_input_alone() {
    // As in ruff: `--stdin-filename` without `-` reads standard input, not the folder;
    // a path named beside it is said to be ignored.
    let o = run_stdin(
        &[
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "x.asl.json",
        ],
        BROKEN.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "x.asl.json:4:35: ASL201 [error] Next names \"b\", which is not a state of the top level\nx.asl.json:5:5: ASL205 [error] state \"B\" is not reachable from StartAt\nFound 2 errors in 1 file.\n1 fixable with `--unsafe-fixes`.\n"
    );
    let o = run_stdin(
        &[
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "x.asl.json",
            "examples",
        ],
        CLEAN.as_bytes(),
    );
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "All checks passed (1 file).\n");
    assert_eq!(
        stderr(&o),
        "warning: ignoring examples in favour of standard input (--stdin-filename)\n"
    );
}

#[test]
fn statistics_and_diff_are_refused_together() {
    // Each prints instead of the diagnostics: one of them would be dropped silently.
    let o = run_stdin(&["check", "--diff", "--statistics", "-"], BROKEN.as_bytes());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("the argument '--diff' cannot be used with '--statistics'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ruff_spellings_of_format_and_exit_zero() {
    let o = run_stdin(
        &["check", "--output-format", "concise", "--exit-zero", "-"],
        BROKEN.as_bytes(),
    );
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).starts_with("<stdin>:4:35: ASL201"),
        "{}",
        stdout(&o)
    );
    // `note` is what the full format calls an info.
    let o = run_stdin(&["check", "--fail-on", "note", "-"], CLEAN.as_bytes());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Statistics are a table or JSON: SARIF readers would choke on a table.
    let o = run_stdin(
        &["check", "--statistics", "--format", "sarif", "-"],
        CLEAN.as_bytes(),
    );
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: --statistics prints a table (or JSON with --format json), not sarif output\n"
    );
    // A diff is a diff: a step that uploads SARIF or reads JSON must not get one.
    for format in ["sarif", "json", "concise", "github", "gitlab", "junit"] {
        let o = run_stdin(
            &["check", "--diff", "--format", format, "-"],
            BROKEN.as_bytes(),
        );
        assert_eq!(
            (code(&o), stdout(&o), stderr(&o)),
            (
                2,
                String::new(),
                format!("error: --diff prints a unified diff, not {format} output\n")
            )
        );
    }
    let o = run_stdin(
        &["check", "--diff", "--format", "full", "-"],
        BROKEN.as_bytes(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn a_report_that_cannot_be_written_fails_the_run() {
    // A full disk (/dev/full) must not pass a CI step whose SARIF was never written; a
    // reader that went away (`| head`) is how pipes end, and no panic either way.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        println!("SKIPPED: no /dev/full here");
        return;
    };
    for args in [
        &[
            "check",
            "examples/support-ticket.asl.json",
            "--format",
            "sarif",
        ][..],
        &["rule", "--list"],
        &["graph", "examples/support-ticket.asl.json"],
    ] {
        let o = bin()
            .args(args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(code(&o), 2, "{args:?}");
        assert_eq!(
            stderr(&o),
            "error: cannot write the output: No space left on device (os error 28)\n"
        );
    }
    let mut child = bin()
        .args(["rule", "--list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!((code(&o), stderr(&o)), (0, String::new()));
}

#[test]
fn devices_and_fifos_are_refused_not_read_for_ever() {
    // `/dev/zero` as a definition, an input, a config or a template's DefinitionUri
    // filled the memory; a FIFO blocked. Only regular files are read.
    if !std::path::Path::new("/dev/zero").exists() {
        println!("SKIPPED: no /dev/zero here");
        return;
    }
    let dir = TempDir::new();
    let template = dir.write(
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Zero:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: /dev/zero\n",
    );
    let not_regular = "is not a regular file (a device, FIFO or socket)";
    for args in [
        vec!["graph", "/dev/zero"],
        vec!["graph", s(&template), "--definition", "Zero"],
        vec![
            "simulate",
            "examples/support-ticket.asl.json",
            "--input",
            "/dev/zero",
        ],
        vec!["check", "--config", "/dev/zero", "examples"],
    ] {
        let o = run(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains(not_regular), "{args:?}: {}", stderr(&o));
    }
    let o = run(&["check", "--format", "concise", s(&template)]);
    assert!(
        stdout(&o).contains(
            "ASL802 [error] DefinitionUri of \"Zero\" names `/dev/zero`, which is not a regular file"
        ),
        "{}",
        stdout(&o)
    );
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_walked_and_stdin_is_read_once() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::new();
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.asl.json");
    std::fs::write(dir.0.join(name), BROKEN).unwrap();
    let o = run(&["check", "--format", "concise", s(&dir.0)]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("bad\u{fffd}.asl.json:4:35: ASL201"),
        "{}",
        stdout(&o)
    );
    let o = run_stdin(&["check", "-", "-"], CLEAN.as_bytes());
    assert_eq!(stdout(&o), "All checks passed (1 file).\n");
}

// ---------------------------------------------------------------- formats

#[test]
fn json_format_contract() {
    let dir = TempDir::new();
    let bad = dir.write("bad.asl.json", BROKEN);
    let ok = dir.write("ok.asl.json", CLEAN);
    let (exit, items) = json_check(&[s(&bad), s(&ok)]);
    assert_eq!(exit, 1);
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(
        first,
        &serde_json::json!({
            "path": s(&bad),
            "code": "ASL201",
            "rule": "unknown-next-state",
            "severity": "error",
            "message": "Next names \"b\", which is not a state of the top level",
            "start": {"line": 4, "column": 35},
            "end": {"line": 4, "column": 38},
            "aws_code": "MISSING_TRANSITION_TARGET",
            "help": "did you mean \"B\"?",
            "fix": {
                "message": "Replace with \"B\"",
                "applicability": "unsafe",
                "edits": [{
                    "start": {"line": 4, "column": 35},
                    "end": {"line": 4, "column": 38},
                    "content": "\"B\""
                }]
            }
        })
    );
    for item in &items {
        let obj = item.as_object().unwrap();
        for key in [
            "path", "code", "rule", "severity", "message", "start", "end",
        ] {
            assert!(obj.contains_key(key), "{key} missing in {item}");
        }
        assert!(["error", "warning", "info"].contains(&item["severity"].as_str().unwrap()));
        for pos in ["start", "end"] {
            assert!(item[pos]["line"].as_u64().unwrap() >= 1);
            assert!(item[pos]["column"].as_u64().unwrap() >= 1);
        }
    }
    // A clean run is an empty array, not nothing.
    let (exit, items) = json_check(&[s(&ok)]);
    assert_eq!((exit, items.len()), (0, 0));
}

#[test]
fn json_columns_count_characters_not_bytes() {
    let dir = TempDir::new();
    let f = dir.write(
        "u.asl.json",
        "{\"StartAt\": \"Ä\", \"States\": {\"Ä\": {\"Type\": \"Pass\", \"Next\": \"ö😀\"}}}",
    );
    let (_, items) = json_check(&[s(&f)]);
    let next = items.iter().find(|i| i["code"] == "ASL201").unwrap();
    // `{"StartAt": "Ä", "States": {"Ä": {"Type": "Pass", "Next": ` is 58 characters.
    assert_eq!(next["start"], serde_json::json!({"line": 1, "column": 59}));
    assert_eq!(next["end"], serde_json::json!({"line": 1, "column": 63}));
}

#[test]
fn full_format_snapshot() {
    let o = run(&[
        "check",
        "--color",
        "never",
        "examples/order-with-mistakes.asl.json",
    ]);
    assert_eq!(code(&o), 1);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn json_format_snapshot() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "examples/order-with-mistakes.asl.json",
    ]);
    assert_eq!(code(&o), 1);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn color_always_emits_ansi_and_never_does_not() {
    let dir = TempDir::new();
    let f = dir.write("bad.asl.json", BROKEN);
    let with = stdout(&run(&["check", "--color", "always", s(&f)]));
    let without = stdout(&run(&["check", "--color", "never", s(&f)]));
    assert!(with.contains("\u{1b}["));
    assert!(!without.contains('\u{1b}'));
    // Not a terminal: auto means no colour.
    assert!(!stdout(&run(&["check", s(&f)])).contains('\u{1b}'));
    // The concise format too: the location bold, the code in its severity's colour.
    let concise = |c: &str| stdout(&run(&["check", "--format", "concise", "--color", c, s(&f)]));
    assert!(concise("always").contains(":\u{1b}[0m \u{1b}[1;31mASL201 [error]\u{1b}[0m Next"));
    assert!(!concise("never").contains('\u{1b}'));
}

// ---------------------------------------------------------------- discovery

#[test]
fn directories_are_searched_for_definitions_only() {
    let dir = TempDir::new();
    // Every file is "not a state machine", so every linted file shows up in the output
    // whichever reader reads it.
    let body = "[1, 2]\n";
    for name in [
        "a.asl.json",
        "b.asl.yaml",
        "c.asl.yml",
        "nested/deeper/d.ASL.JSON",
        "plain.json",
        "template.yaml",
        "notes.txt",
        ".hidden/e.asl.json",
        "node_modules/pkg/f.asl.json",
        "target/g.asl.json",
    ] {
        dir.write(name, body);
    }
    // A template name is linted when the text may hold a state machine.
    dir.write("template.yaml", "States: [1, 2]\n");
    assert_eq!(
        reported_paths(&dir, &["check", "--format", "json", s(dir.path())]),
        [
            "a.asl.json",
            "b.asl.yaml",
            "c.asl.yml",
            "nested/deeper/d.ASL.JSON",
            // CloudFormation/SAM template names are searched too (for definitions
            // inside templates); this one is no template, so it is read as a definition.
            "template.yaml"
        ]
    );
}

/// The files a `check --format json` run reports, relative to `dir`, once each.
fn reported_paths(dir: &TempDir, args: &[&str]) -> Vec<String> {
    let o = run(args);
    assert!(code(&o) < 2, "{}", stderr(&o));
    let items: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let mut paths: Vec<String> = items
        .iter()
        .map(|i| {
            let p = Path::new(i["path"].as_str().unwrap());
            p.strip_prefix(dir.path())
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    paths.dedup();
    paths
}

#[test]
fn walks_pass_over_what_git_ignores() {
    let dir = TempDir::new();
    let all = [
        "a.asl.json",
        "cdk.out/Stack.template.json",
        "flows/b.asl.json",
        "flows/b.gen.asl.json",
        "flows/keep.gen.asl.json",
        "scratch/c.asl.json",
    ];
    for name in all {
        // (`States` in it: the template name is not passed over as no state machine.)
        dir.write(name, "{\"States\": [1]}\n");
    }
    dir.write(".gitignore", "cdk.out/\n*.gen.asl.json\n");
    dir.write("flows/.gitignore", "!keep.gen.asl.json\n");
    dir.write(".git/info/exclude", "scratch/\n");
    let root = s(dir.path());
    let kept = ["a.asl.json", "flows/b.asl.json", "flows/keep.gen.asl.json"];
    assert_eq!(
        reported_paths(&dir, &["check", "--format", "json", root]),
        kept
    );
    // Rules above a folder named inside the work tree apply as well.
    let flows = dir.path().join("flows");
    assert_eq!(
        reported_paths(&dir, &["check", "--format", "json", s(&flows)]),
        ["flows/b.asl.json", "flows/keep.gen.asl.json"]
    );
    // A file named on the command line is linted whatever Git ignores.
    let named = dir.path().join("flows/b.gen.asl.json");
    assert_eq!(
        reported_paths(&dir, &["check", "--format", "json", s(&named)]),
        ["flows/b.gen.asl.json"]
    );
    assert_eq!(
        reported_paths(
            &dir,
            &["check", "--format", "json", "--no-respect-gitignore", root]
        ),
        all
    );
    dir.write("asl-lint.toml", "respect-gitignore = false\n");
    assert_eq!(
        reported_paths(&dir, &["check", "--format", "json", root]),
        all
    );
    // Outside a Git work tree, .gitignore files mean nothing (as to Git).
    dir.write("asl-lint.toml", "");
    std::fs::remove_dir_all(dir.path().join(".git")).unwrap();
    assert_eq!(
        reported_paths(&dir, &["check", "--format", "json", root]),
        all
    );
}

#[test]
fn a_broken_configuration_is_reported_once() {
    // Met by each of the two files of the folder walked (`check` with no path), and by
    // each of two files named: one line, exit 2.
    let dir = TempDir::new();
    let config = dir.write("asl-lint.toml", "select = [");
    let a = dir.write("a.asl.json", CLEAN);
    let b = dir.write("b.asl.json", CLEAN);
    let want = format!(
        "error: {}:1:11: unclosed array, expected `]`\n",
        std::fs::canonicalize(&config).unwrap().display()
    );
    let walked = bin().current_dir(dir.path()).arg("check").output().unwrap();
    assert_eq!((code(&walked), stderr(&walked)), (2, want.clone()));
    assert_eq!(stdout(&walked), "");
    let named = run(&["check", s(&a), s(&b)]);
    assert_eq!((code(&named), stderr(&named)), (2, want));
}

#[test]
fn explicit_files_of_any_extension_are_linted() {
    let dir = TempDir::new();
    let json = dir.write("flow.json", BROKEN);
    let txt = dir.write("flow.txt", BROKEN);
    let json5 = dir.write("flow.json5", "{\n // c\n \"a\": 1,\n}\n");
    let (exit, items) = json_check(&[s(&json), s(&txt), s(&json5)]);
    assert_eq!(exit, 1);
    let per_file = |p: &Path| {
        items
            .iter()
            .filter(|i| i["path"] == s(p))
            .map(|i| i["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(per_file(&json), ["ASL201", "ASL205"]);
    // Content starting with `{` is read as JSON whatever the extension.
    assert_eq!(per_file(&txt), ["ASL201", "ASL205"]);
    // JSON5 by name: its comment and trailing comma are no ASL003 there.
    assert_eq!(per_file(&json5), ["ASL100"]);
}

#[test]
fn many_files_are_all_reported_in_order() {
    let dir = TempDir::new();
    for i in 0..40 {
        dir.write(
            &format!("f{i:02}.asl.json"),
            if i % 2 == 0 { CLEAN } else { BROKEN },
        );
    }
    let (exit, items) = json_check(&[s(dir.path())]);
    assert_eq!(exit, 1);
    assert_eq!(items.len(), 40);
    let paths: Vec<&str> = items.iter().map(|i| i["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "output order must not depend on threads");
}

// ---------------------------------------------------------------- rule

#[test]
fn rule_command_prints_docs() {
    let o = run(&["rule", "ASL201"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "# ASL201 unknown-next-state\n\nDefault severity: error\n\
             AWS diagnostic code: MISSING_TRANSITION_TARGET\nFix: sometimes\n\
             Source: src/rules/graph/unknown_next_state.rs\n\n## What it does\n\
             Reports a `Next` that names no state.\n"
        ),
        "{out}"
    );
    assert!(out.contains("## Why is this bad?"));
    assert!(out.contains("```json"));
    // By name and case-insensitively.
    assert_eq!(stdout(&run(&["rule", "unknown-next-state"])), out);
    assert_eq!(stdout(&run(&["rule", "asl201"])), out);
}

#[test]
fn rule_list_lists_every_rule_once() {
    let o = run(&["rule", "--list"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), asl_lint::rules::RULES.len());
    // The columns line up, however long a rule's name.
    let column = |line: &str, field: usize| {
        let mut at = 0;
        for (i, word) in line.split_whitespace().enumerate() {
            at = line[at..].find(word).unwrap() + at;
            if i == field {
                return at;
            }
            at += word.len();
        }
        unreachable!()
    };
    for field in [1, 2, 3, 4] {
        let mut starts: Vec<usize> = lines.iter().map(|l| column(l, field)).collect();
        starts.dedup();
        assert_eq!(starts.len(), 1, "column {field}");
    }
    for (line, rule) in lines.iter().zip(asl_lint::rules::RULES) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[0], rule.meta.code);
        assert_eq!(fields[1], rule.meta.name);
        assert_eq!(fields[2], rule.meta.severity.as_str());
        assert!(line.ends_with(&rule.meta.summary()), "{line}");
        // A whole sentence: not cut at an abbreviation or inside code, no list folded in.
        let summary = rule.meta.summary();
        assert!(summary.ends_with('.'), "{summary}");
        assert!(!summary.ends_with("e.g."), "{summary}");
        assert!(!summary.contains(" - "), "{summary}");
    }
    assert!(out.contains(
        "ASL201  unknown-next-state               error    MISSING_TRANSITION_TARGET   Reports a `Next` that names no state."
    ));
}

/// `rule` takes what `check --select` takes: a code in any case, a name, and a prefix,
/// which lists the rules it selects.
#[test]
fn rule_takes_names_and_prefixes() {
    let o = run(&["rule", "unknown-next-state"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("# ASL201 unknown-next-state\n"));
    let o = run(&["rule", "asl20"]);
    assert_eq!(code(&o), 0);
    let listed = stdout(&o);
    let codes: Vec<&str> = listed.lines().map(|l| &l[..6]).collect();
    assert!(
        codes.len() > 5 && codes.iter().all(|c| c.starts_with("ASL20")),
        "{codes:?}"
    );
    let o = run(&["rule", "--list", "ASL20"]);
    assert_eq!(stdout(&o).lines().count(), codes.len());
    let o = run(&["rule", "ASL9"]);
    assert_eq!(code(&o), 2);
    // An empty code (an unset shell variable) is no prefix of every rule.
    let o = run(&["rule", ""]);
    assert_eq!(
        (code(&o), stderr(&o).as_str()),
        (
            2,
            "error: no rule code given; `asl-lint rule --list` lists them\n"
        )
    );
}

#[test]
fn rule_catalogue_as_json() {
    let o = run(&["rule", "--list", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), asl_lint::rules::RULES.len());
    let one = &all.iter().find(|r| r["code"] == "ASL201").unwrap();
    assert_eq!(
        [
            &one["name"],
            &one["severity"],
            &one["aws_code"],
            &one["fix"],
            &one["summary"],
            &one["file"]
        ],
        [
            "unknown-next-state",
            "error",
            "MISSING_TRANSITION_TARGET",
            "sometimes",
            "Reports a `Next` that names no state.",
            "src/rules/graph/unknown_next_state.rs"
        ]
    );
    // One rule: the same object, its docs as `rule CODE` prints them after the header.
    let o = run(&["rule", "ASL201", "--format", "json"]);
    let single: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(&single, *one);
    let text = stdout(&run(&["rule", "ASL201"]));
    assert!(text.ends_with(single["docs"].as_str().unwrap()));
    assert!(
        all.iter()
            .all(|r| r["aws_code"].is_null() || r["aws_code"].is_string())
    );
}

#[test]
fn unknown_rule_exits_2() {
    let o = run(&["rule", "ASL999"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no rule named `ASL999`"));
}

// ---------------------------------------------------------------- bad input

/// Lints one file and returns (exit code, codes, messages).
fn lint_one(name: &str, bytes: &[u8]) -> (i32, Vec<String>, Vec<String>) {
    let dir = TempDir::new();
    let f = dir.write(name, bytes);
    let (exit, items) = json_check(&[s(&f)]);
    for i in &items {
        assert_eq!(i["path"], s(&f), "every diagnostic names the file");
    }
    (
        exit,
        codes(&items).iter().map(|c| c.to_string()).collect(),
        items
            .iter()
            .map(|i| i["message"].as_str().unwrap().to_string())
            .collect(),
    )
}

#[test]
fn invalid_json() {
    let (exit, codes, messages) = lint_one("x.asl.json", b"{\"StartAt\": \"A\", \"States\": {");
    assert_eq!(exit, 1);
    // One report for the text ending inside two objects, at the inner one.
    assert_eq!(codes, ["ASL001", "ASL102"]);
    assert_eq!(
        messages[0],
        "unterminated object: expected `}` (and 1 enclosing object or array left open)"
    );
}

#[test]
fn invalid_utf8() {
    let (exit, codes, messages) = lint_one(
        "x.asl.json",
        b"{\"StartAt\": \"A\xff\", \"States\": {\"A\xff\": {\"Type\": \"Succeed\"}}}",
    );
    assert_eq!(exit, 1);
    assert_eq!(codes, ["ASL004"]);
    assert_eq!(
        messages[0],
        "invalid UTF-8 (byte 0xFF at offset 14); the file must be UTF-8 text"
    );
}

/// The diagnostics of a file that is not UTF-8 come out by position, as any file's.
#[test]
fn invalid_utf8_diagnostics_in_order() {
    let dir = TempDir::new();
    let f = dir.write(
        "l.asl.json",
        b"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Wait\",\"Seconds\":\"5\",\"Comment\":\"caf\xe9\",\"End\":true}}}",
    );
    let o = run(&["check", "--format", "concise", s(&f)]);
    let shown = f.display();
    assert_eq!(
        stdout(&o),
        format!(
            "{shown}:1:55: ASL113 [error] 'Seconds' must be an integer, not \"5\"\n\
             {shown}:1:73: ASL004 [error] invalid UTF-8 (byte 0xE9 at offset 72); the file must be UTF-8 text\n\
             Found 2 errors in 1 file.\n"
        )
    );
    assert_eq!(code(&o), 1);
}

#[test]
fn binary_file() {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    bytes.extend((0..=255u8).cycle().take(4096));
    let (exit, codes, messages) = lint_one("image.asl.json", &bytes);
    assert_eq!(exit, 1);
    assert_eq!(codes, ["ASL004"]);
    assert_eq!(
        messages[0],
        "this is a binary file (NUL byte at offset 8), not JSON or YAML text"
    );
}

#[test]
fn empty_and_blank_files() {
    for body in ["", "   \n\t\n"] {
        let (exit, codes, messages) = lint_one("empty.asl.json", body.as_bytes());
        assert_eq!(exit, 1, "{body:?}");
        assert_eq!(codes, ["ASL001"]);
        assert_eq!(messages[0], "the document is empty: expected a JSON object");
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 100_000;
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let text = format!("{}{}", open.repeat(depth), close.repeat(depth));
        let (exit, codes, _) = lint_one("deep.asl.json", text.as_bytes());
        assert_eq!(exit, 1);
        assert!(codes.contains(&"ASL005".to_string()), "{codes:?}");
    }
    // Unterminated, and inside a real state machine.
    let text = format!(
        "{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"End\": true, \"Result\": {}",
        "[".repeat(depth)
    );
    let (exit, codes, _) = lint_one("deep.asl.json", text.as_bytes());
    assert_eq!(exit, 1);
    assert!(codes.contains(&"ASL005".to_string()), "{codes:?}");
}

#[test]
fn yaml_aliases_copy_a_bounded_amount_of_text() {
    // A 200 KB scalar aliased 40 times: 40 nodes, but 8 MB of copies. The file (200 KB)
    // may copy 4 MiB: 20 aliases are expanded and 20 refused at the alias.
    let big = "x".repeat(200_000);
    let mut text =
        format!("StartAt: A\nBig: &b \"{big}\"\nStates:\n  A:\n    Type: Pass\n    Result:\n");
    for i in 0..40 {
        text.push_str(&format!("      k{i}: *b\n"));
    }
    text.push_str("    End: true\n");
    let dir = TempDir::new();
    let f = dir.write("bytes.asl.yaml", &text);
    let o = run(&["check", "--format", "concise", s(&f)]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let shown = f.display();
    let mut expected = vec![
        // What was built: the 20 copies, the anchor and the rest.
        format!(
            "{shown}:1:1: ASL123 [error] the definition is 4.2 MB (4,200,387 bytes) as compact JSON: Step Functions accepts at most 1 MB (1,048,576 bytes)"
        ),
        format!("{shown}:2:1: ASL110 [error] field 'Big' is not supported in the state machine"),
    ];
    // One error for the 20 aliases refused, at the first.
    expected.push(format!(
        "{shown}:27:12: ASL001 [error] alias `*b` is not expanded: aliases in this document would copy more than 4 MiB of text; 19 more aliases after it are not expanded either"
    ));
    expected.push("Found 3 errors in 1 file.".to_string());
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), expected);
}

#[test]
fn substitutions_that_come_to_too_much_are_left_unknown() {
    // DefinitionSubstitutions that would fill 20 MiB into a definition file (20
    // references to 1 MiB): ASL123 at the token that passes 16 MiB, in the file, and
    // the file's other mistake is still reported.
    let dir = TempDir::new();
    let big = "v".repeat(1 << 20);
    let body = format!(
        "{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": \"{}\", \"Next\": \"B\"}}}}}}",
        "${Big}".repeat(20)
    );
    let column = body.find("${Big}").unwrap() + 1 + 16 * 6;
    let sm = dir.write("sm.asl.json", &body);
    dir.write(
        "template.yaml",
        format!(
            "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm.asl.json\n      DefinitionSubstitutions:\n        Big: {big}\n"
        ),
    );
    let o = run(&[
        "check",
        "--format",
        "concise",
        s(&dir.path().join("template.yaml")),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let sm = sm.display();
    assert_eq!(
        stdout(&o),
        format!(
            "{sm}:1:{column}: ASL123 [error] filling in `${{Big}}` brings the values substituted into the definition past 16 MiB, and Step Functions accepts at most 1 MB (1,048,576 bytes); the values are not filled in, and the rest is checked with them unknown\n\
             {sm}:1:{}: ASL201 [error] Next names \"B\", which is not a state of the top level\n\
             Found 2 errors in 1 file.\n",
            body.find("\"B\"").unwrap() + 1
        )
    );
}

#[test]
fn intrinsics_are_reported_in_a_definition_file_not_in_its_template() {
    // The same `!GetAtt` inline in a SAM template (resolved there) and in the file its
    // DefinitionUri names (read as written): ASL811 only in the file.
    let dir = TempDir::new();
    let sm = dir.write(
        "sm.asl.yaml",
        "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: !GetAtt Work.Arn\n    End: true\n",
    );
    dir.write(
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Work:\n    Type: AWS::Serverless::Function\n  Inline:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Task\n            Resource: !GetAtt Work.Arn\n            End: true\n  File:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm.asl.yaml\n",
    );
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--select",
        "ASL811",
        s(&dir.path().join("template.yaml")),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "{}:5:15: ASL811 [error] `!GetAtt` in the Resource of state \"A\" is not resolved in a definition file: Step Functions gets it as written, not the value it stands for\n\
             Found 1 error in 1 file.\n",
            sm.display()
        )
    );
}

#[test]
fn fifty_megabyte_file_finishes() {
    // A chain of Pass states with payloads, about 50 MB, clean but for its size (AWS
    // takes definitions up to 1 MB).
    let mut text = String::with_capacity(52 << 20);
    text.push_str("{\"StartAt\": \"S0\", \"States\": {\n");
    let payload = "x".repeat(400);
    let n = 110_000;
    for i in 0..n {
        let next = if i + 1 == n {
            "\"End\": true".to_string()
        } else {
            format!("\"Next\": \"S{}\"", i + 1)
        };
        text.push_str(&format!(
            "  \"S{i}\": {{\"Type\": \"Pass\", \"Result\": {{\"data\": \"{payload}\", \"n\": [{i}, 1.5, true, null]}}, {next}}}{}\n",
            if i + 1 == n { "" } else { "," }
        ));
    }
    text.push_str("}}\n");
    assert!(text.len() > 50_000_000, "{}", text.len());
    let (exit, codes, messages) = lint_one("big.asl.json", text.as_bytes());
    assert_eq!((exit, codes), (1, vec!["ASL123".to_string()]));
    assert!(
        messages[0].starts_with(&format!(
            // Python's json.dumps(separators=(",", ":")) gives as many bytes.
            "the definition is 53.7 MB ({} bytes) as compact JSON",
            "53,676,696"
        )),
        "{}",
        messages[0]
    );

    // The same size with a mistake at the very end is found.
    let broken = text.replacen(&format!("\"S{}\": {{", n - 1), "\"Last\": {", 1);
    let (exit, codes, messages) = lint_one("big.asl.json", broken.as_bytes());
    assert_eq!(exit, 1);
    // "Last" is not reported as unreachable: the Next naming no state was as likely
    // meant for any of the 110,000 states (ASL205 holds back).
    assert_eq!(codes, ["ASL123", "ASL201"]);
    assert_eq!(
        messages[1],
        format!(
            "Next names \"S{}\", which is not a state of the top level",
            n - 1
        )
    );
}

#[test]
fn json_that_is_not_a_state_machine() {
    for (body, message) in [
        (
            "[1,2]",
            "a state machine must be an object with StartAt and States, not an array",
        ),
        (
            "{\"a\":1}",
            "this is not a state machine: it has neither StartAt nor States",
        ),
        (
            "42",
            "a state machine must be an object with StartAt and States, not a number",
        ),
        (
            "null",
            "a state machine must be an object with StartAt and States, not a null",
        ),
    ] {
        let (exit, codes, messages) = lint_one("x.asl.json", body.as_bytes());
        assert_eq!(exit, 1, "{body}");
        assert_eq!(codes, ["ASL100"], "{body}");
        assert_eq!(messages[0], message, "{body}");
    }
}

/// README.md lists every rule and every subcommand, so it cannot fall behind the code.
#[test]
fn readme_lists_every_rule_and_subcommand() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for rule in asl_lint::rules::RULES {
        let row = format!("| {} | {} |", rule.meta.code, rule.meta.name);
        assert!(readme.contains(&row), "README.md lacks the row `{row}`");
        // The description is whole: not cut at an abbreviation, a list's colon or a
        // `{% ... %}`.
        let line = readme.lines().find(|l| l.starts_with(&row)).unwrap();
        let text = line.trim_end().trim_end_matches('|').trim_end();
        assert!(
            text.ends_with('.') && !text.ends_with("e.g."),
            "README.md's row for {} is cut short: {line}",
            rule.meta.code
        );
    }
    for sub in ["check", "rule", "simulate", "graph", "server"] {
        assert!(
            readme.contains(&format!("asl-lint {sub}")),
            "README.md lacks `asl-lint {sub}`"
        );
    }
}

#[test]
fn minified_file_with_thousands_of_mistakes_stays_linear() {
    // One 250 KB line, 5,000 states each naming a missing state: every diagnostic must
    // not print the whole line, and did-you-mean must not compare every pair.
    let n = 5_000;
    let mut text =
        String::from("{\"StartAt\":\"S0\",\"States\":{\"S0\":{\"Type\":\"Pass\",\"End\":true}");
    for i in 1..n {
        text.push_str(&format!(
            ",\"S{i}\":{{\"Type\":\"Pass\",\"Next\":\"T{i}\"}}"
        ));
    }
    text.push_str("}}");
    let dir = TempDir::new();
    let f = dir.write("min.asl.json", &text);
    for format in ["full", "concise", "json"] {
        let o = run(&["check", "--format", format, s(&f)]);
        assert_eq!(code(&o), 1);
        let out = stdout(&o);
        let diagnostics = 2 * (n - 1);
        // JSON spells out each fix's edits too; still nothing near the line's length.
        let per_diagnostic = if format == "json" { 700 } else { 400 };
        assert!(
            out.len() < diagnostics * per_diagnostic,
            "{format}: {} bytes for {diagnostics} diagnostics",
            out.len()
        );
        if format == "json" {
            let items: Vec<Value> = serde_json::from_str(&out).unwrap();
            assert_eq!(items.len(), diagnostics);
            // `,"S1"` follows the 57 characters of the start and state S0.
            assert_eq!(items[0]["code"], "ASL205");
            assert_eq!(
                items[0]["start"],
                serde_json::json!({"line": 1, "column": 59})
            );
            assert_eq!(items[1]["code"], "ASL201");
            assert_eq!(
                items[1]["start"],
                serde_json::json!({"line": 1, "column": 86})
            );
        }
    }
}

/// `check --watch` checks, then checks again when a file changes, is added, or the
/// configuration above it changes; it runs until stopped.
#[test]
fn watch_checks_again_when_files_change() {
    use std::sync::mpsc;
    use std::time::Duration;
    let dir = TempDir::new();
    dir.write("flow.asl.json", BROKEN);
    // A log beside the definitions (as `check --watch . > lint.log` makes).
    dir.write("lint.log", "");
    /// Stops the watcher however the test ends.
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut watcher = Killed(
        bin()
            .args([
                "check", "--watch", "--format", "concise", "--color", "never",
            ])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn asl-lint"),
    );
    let child = &mut watcher.0;
    // Each check ends with its summary line; the reader hands each check's lines over.
    let (tx, rx) = mpsc::channel::<Vec<String>>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        let mut lines = Vec::new();
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            // (The line on fixes after a summary is left out.)
            if line.contains(" fixable with `") {
                continue;
            }
            let last = line.starts_with("Found ") || line.starts_with("All checks passed");
            lines.push(line.replace(env!("CARGO_MANIFEST_DIR"), ""));
            if last && tx.send(std::mem::take(&mut lines)).is_err() {
                return;
            }
        }
    });
    // A guard against a hang, not a timing: each check comes as soon as it is done.
    let next = || {
        rx.recv_timeout(Duration::from_secs(60))
            .expect("another check")
    };
    let first = next();
    assert!(
        first[0].ends_with(
            "flow.asl.json:4:35: ASL201 [error] Next names \"b\", which is not a state of the top level"
        ),
        "{first:?}"
    );
    assert_eq!(first.last().unwrap(), "Found 2 errors in 1 file.");

    // The file is fixed: checked again.
    dir.write("flow.asl.json", CLEAN);
    assert_eq!(next(), ["All checks passed (1 file)."]);
    // A new file in the folder is found.
    dir.write("more.asl.json", BROKEN);
    let third = next();
    assert_eq!(
        third.last().unwrap(),
        "Found 2 errors in 1 file.",
        "{third:?}"
    );
    // The log grows: no change to check (were it one, its check would come next).
    dir.write("lint.log", "Found 2 errors in 1 file.\n");
    std::thread::sleep(Duration::from_millis(1200));
    // The configuration changes what is reported.
    dir.write("asl-lint.toml", "ignore = [\"ASL201\", \"ASL205\"]\n");
    assert_eq!(next(), ["All checks passed (2 files)."]);

    let stderr_pipe = child.stderr.take().unwrap();
    drop(watcher);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut { stderr_pipe }, &mut err).unwrap();
    assert!(
        err.starts_with("Watching for changes (Ctrl-C to stop).\n"),
        "{err}"
    );

    // Standard input and --diff cannot be watched.
    let o = run(&["check", "--watch", "-"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: --watch cannot watch standard input; name files or folders\n"
    );
    let o = run(&["check", "--watch", "--diff", "examples"]);
    assert_eq!(code(&o), 2);
}

/// A template may not make asl-lint read, print or fix a file outside its project: the
/// Git work tree that holds it (or, outside one, its folder and the current one).
#[test]
fn files_outside_the_project_are_not_read() {
    let dir = TempDir::new();
    let secret = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"pass\", \"End\": true}}, \"Comment\": \"aws_secret_access_key = s3cr3t\"}";
    let outside = dir.write("outside.asl.json", secret);
    std::fs::create_dir_all(dir.path().join("proj/.git")).unwrap();
    let sam = dir.write(
        "proj/template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: ../outside.asl.json\n",
    );
    let tf = dir.write(
        "proj/main.tf",
        format!(
            "resource \"aws_sfn_state_machine\" \"m\" {{\n  name = \"m\"\n  role_arn = \"r\"\n  definition = file(\"{}\")\n}}\n",
            s(&outside)
        ),
    );
    for template in [&sam, &tf] {
        let o = run(&["check", "--format", "concise", "--fix", s(template)]);
        let out = stdout(&o);
        assert!(
            out.contains("ASL803 [info]")
                && out.contains("outside the project: asl-lint does not read it"),
            "{out}"
        );
        assert!(!out.contains("s3cr3t"), "{out}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), secret);
        let o = run(&["simulate", s(template)]);
        assert_eq!(code(&o), 2);
        assert!(
            stderr(&o).contains("outside the project: asl-lint does not read it"),
            "{}",
            stderr(&o)
        );
    }
    // Inside the work tree, a folder above the template's is fine.
    dir.write(
        "proj/defs/m.asl.json",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}",
    );
    let nested = dir.write(
        "proj/stacks/template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: ../defs/m.asl.json\n",
    );
    let o = run(&["check", "--format", "concise", s(&nested)]);
    assert_eq!(
        (code(&o), stdout(&o).as_str()),
        (0, "All checks passed (2 files).\n")
    );
    // Its findings are shown at the file's path, without `stacks/..`.
    let def = dir.write(
        "proj/defs/m.asl.json",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}",
    );
    let o = run(&["check", "--format", "concise", s(&nested)]);
    assert_eq!(
        stdout(&o).lines().next(),
        Some(
            format!(
                "{}:1:59: ASL201 [error] Next names \"B\", which is not a state of the top level",
                def.display()
            )
            .as_str()
        )
    );
}

#[test]
fn json5_files_may_use_json5() {
    // Comments and trailing commas are a `*.json5` file's format; in `*.json` they are
    // ASL003 errors (Step Functions takes strict JSON). Other findings stay.
    let t = TempDir::new();
    let text = "{\n  // the ticket workflow\n  \"StartAt\": \"Open\",\n  \"States\": {\"Open\": {\"Type\": \"Pass\", \"Next\": \"Gone\",},},\n}\n";
    let five = t.write("ticket.asl.json5", text);
    let plain = t.write("ticket.asl.json", text);
    let (exit, items) = json_check(&[s(&five)]);
    assert_eq!((exit, codes(&items)), (1, vec!["ASL201"]));
    let (exit, items) = json_check(&[s(&plain)]);
    assert_eq!(
        (exit, codes(&items)),
        (1, vec!["ASL003", "ASL201", "ASL003", "ASL003", "ASL003"])
    );
}

#[test]
fn a_missing_comma_is_fixed_and_then_the_rest() {
    // The text does not read until the comma is in; then the other safe fixes apply
    // (here `End` on a Succeed state, ASL204).
    let t = TempDir::new();
    let f = t.write(
        "ticket.asl.json",
        "{\"StartAt\": \"Open\", \"States\": {\"Open\": {\"Type\": \"Pass\" \"Next\": \"Done\"}, \"Done\": {\"Type\": \"Succeed\", \"End\": true}}}\n",
    );
    let o = run(&["check", "--fix", s(&f)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "{\"StartAt\": \"Open\", \"States\": {\"Open\": {\"Type\": \"Pass\", \"Next\": \"Done\"}, \"Done\": {\"Type\": \"Succeed\"}}}\n"
    );
    assert!(
        stderr(&o).contains("Fixed 2 problems in 1 file."),
        "{}",
        stderr(&o)
    );
}

/// A `templatefile` whose variables are a `local` written in the file (or a `merge` of
/// such maps) is rendered with them: a name they do not give is ASL806. A map Terraform
/// computes (`var.vars`, `merge` with one) may hold any name: none is reported, and
/// the values are unknown until deploy time.
#[test]
fn terraform_template_variables_from_locals_and_computed_maps() {
    let dir = TempDir::new();
    dir.write(
        "sm.asl.json",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${fn_arn}\", \"Next\": \"${next}\"},\n  \"B\": {\"Type\": \"Succeed\"}}}\n",
    );
    let tf = |vars: &str| {
        dir.write(
            "main.tf",
            format!(
                "locals {{\n  sfn_vars = {{ fn_arn = \"arn:aws:lambda:us-east-1:123456789012:function:f\" }}\n}}\nresource \"aws_sfn_state_machine\" \"sm\" {{\n  name       = \"orders\"\n  role_arn   = \"arn:aws:iam::123456789012:role/r\"\n  definition = templatefile(\"${{path.module}}/sm.asl.json\", {vars})\n}}\n"
            ),
        )
    };
    let check = |main: &Path| {
        // (The Lambda task's retries are not the point here.)
        let o = run(&[
            "check",
            "--format",
            "concise",
            "--ignore",
            "ASL704",
            s(main),
        ]);
        stdout(&o)
    };
    let main = tf("local.sfn_vars");
    let sm = dir.path().join("sm.asl.json");
    assert_eq!(
        check(&main),
        format!(
            "{}:1:85: ASL806 [error] `next` is not a variable of the template: Terraform refuses to render the definition of \"aws_sfn_state_machine.sm\" (vars map does not contain key \"next\")\nFound 1 error in 1 file.\n",
            s(&sm)
        )
    );
    let main = tf("merge(local.sfn_vars, { next = \"B\" })");
    assert_eq!(check(&main), "All checks passed (2 files).\n");
    for computed in [
        "var.vars",
        "merge(local.sfn_vars, var.more)",
        "lookup(var.m, \"k\")",
    ] {
        let main = tf(computed);
        assert_eq!(check(&main), "All checks passed (2 files).\n", "{computed}");
    }
}

/// Standard error closed by the reader (`asl-lint ... 2>&1 | head -c 100`): the
/// messages are dropped and the exit code is the command's own, not a panic's 101.
#[test]
fn a_closed_standard_error_keeps_the_exit_code() {
    for args in [
        &["check", "no-such-file.asl.json"][..],
        &["rule", "ASL9999"],
        &["graph", "no-such-file.asl.json"],
    ] {
        let mut child = bin()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

/// An empty entry in `--select`/`--ignore` (a trailing comma, `--select ""`) names no
/// rule and is left out, not refused as an unknown code.
#[test]
fn empty_rule_entries_are_left_out() {
    let o = bin()
        .args([
            "check",
            "examples/order-with-mistakes.asl.json",
            "--ignore",
            "ASL2,",
            "--select",
            "",
            "--format",
            "concise",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert_eq!(String::from_utf8(o.stderr).unwrap(), "");
    assert!(!out.contains(" ASL2"), "{out}");
    assert!(out.contains(" ASL1"), "{out}");
}

#[test]
fn fixes_that_cannot_be_written_are_not_offered_again_with_the_flag_given() {
    use std::os::unix::fs::PermissionsExt;
    // A read-only file is not fixed (even by a user who could replace it).
    let dir = TempDir::new();
    let file = dir.write("a.asl.json", BROKEN);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = run(&["check", "--unsafe-fixes", "--format", "concise", s(&file)]);
    assert!(
        stderr(&o).contains("a.asl.json: cannot write the fixes: permission denied (the file is read-only; not fixed)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), BROKEN);
    // The finding is listed, but `--unsafe-fixes` (given) is not suggested again.
    let out = stdout(&o);
    assert!(out.contains("ASL201"), "{out}");
    assert!(!out.contains("fixable"), "{out}");
    assert_eq!(code(&o), 2);
}

/// `${self:...}` in a definition a Serverless file includes with `${file(...)}` is
/// resolved against that file, as an inline definition's is: a literal of `custom` is
/// checked (ASL114 at the variable), not reported as known only at deploy time.
#[test]
fn serverless_self_variables_in_an_included_file_are_resolved() {
    let dir = TempDir::new();
    dir.write(
        "second.asl.yml",
        "StartAt: B\nStates:\n  B:\n    Type: Wait\n    Seconds: ${self:custom.waitSeconds}\n    End: true\n",
    );
    dir.write(
        "serverless.yml",
        "service: demo\nprovider: {name: aws}\ncustom:\n  waitSeconds: -5\nstepFunctions:\n  stateMachines:\n    second:\n      definition: ${file(./second.asl.yml)}\n",
    );
    let (code, items) = json_check(&[s(dir.path())]);
    assert_eq!(code, 1, "{items:?}");
    assert_eq!(codes(&items), ["ASL114"], "{items:?}");
    assert!(
        items[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("second.asl.yml"),
        "{items:?}"
    );
    assert_eq!(
        (&items[0]["start"]["line"], &items[0]["start"]["column"]),
        (&Value::from(5), &Value::from(14)),
        "{items:?}"
    );
}

/// Terraform's JSON syntax (`*.tf.json`, what CDKTF writes) and OpenTofu's `*.tofu`
/// hold `aws_sfn_state_machine` resources as `.tf` files do: their definitions are
/// linted (named or walked), with no "not a state machine" error for the file itself.
#[test]
fn terraform_json_and_opentofu_files_are_linted() {
    let dir = TempDir::new();
    dir.write(
        "x.tf.json",
        "{\"resource\": {\"aws_sfn_state_machine\": {\"j\": {\"name\": \"j\",\n  \"definition\": \"{\\\"StartAt\\\": \\\"A\\\", \\\"States\\\": {\\\"A\\\": {\\\"Type\\\": \\\"Pass\\\", \\\"Next\\\": \\\"NopeJ\\\"}}}\"}}},\n \"variable\": {\"x\": {}}}\n",
    );
    dir.write(
        "main.tofu",
        "resource \"aws_sfn_state_machine\" \"t\" {\n  definition = jsonencode({\n    StartAt = \"A\"\n    States = { A = { Type = \"Pass\", Next = \"NopeT\" } }\n  })\n}\n",
    );
    let (code, items) = json_check(&[s(dir.path())]);
    assert_eq!(code, 1, "{items:?}");
    let found: Vec<(String, &str, u64, u64)> = items
        .iter()
        .map(|i| {
            (
                Path::new(i["path"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                i["code"].as_str().unwrap(),
                i["start"]["line"].as_u64().unwrap(),
                i["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("main.tofu".to_string(), "ASL201", 4, 44),
            ("x.tf.json".to_string(), "ASL201", 2, 90),
        ],
        "{items:?}"
    );
}

/// In `*.tf.json` a string's interpolation escapes its quotes as JSON does
/// (`"${file(\"sm.json\")}"`): no HCL "never closed" error; the definition Terraform
/// computes is noted as not checked.
#[test]
fn terraform_json_interpolations_are_not_hcl_syntax_errors() {
    let dir = TempDir::new();
    let file = dir.write(
        "main.tf.json",
        "{\"resource\": {\"aws_sfn_state_machine\": {\"j\": {\n  \"definition\": \"${file(\\\"sm.json\\\")}\"}}}}\n",
    );
    let (code, items) = json_check(&[s(&file)]);
    assert_eq!((code, codes(&items)), (0, vec!["ASL803"]), "{items:?}");
}
