use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("proj/asl-lint.toml"))
}

#[test]
fn reads_every_setting() {
    let c = parse(
        r#"
select = ["ASL1", "ASL2"]
ignore = ["unreachable-state"]
include = ["**/sfn/*.json"]
exclude = ["cdk.out/**"]

[per-file-ignores]
"tests/**" = ["ASL201"]

[severity]
ASL2 = "warning"
ASL205 = "info"

[placeholders]
mode = "literal"
values = { Env = "prod", Timeout = 30 }
"#,
    )
    .unwrap();
    assert_eq!(c.root, Path::new("proj"));
    let (opts, env) = c.options_for(Path::new("proj/tests/a.asl.json"), &Overrides::default());
    assert_eq!(opts.select, vec!["ASL1", "ASL2"]);
    assert_eq!(opts.ignore, vec!["unreachable-state", "ASL201"]);
    assert_eq!(env.placeholders, PlaceholderMode::Literal);
    assert_eq!(env.values.get("Timeout").map(String::as_str), Some("30"));
    assert_eq!(env.base_dir.as_deref(), Some(Path::new("proj/tests")));
    let (opts, _) = c.options_for(
        Path::new("proj/src/a.asl.json"),
        &Overrides {
            select: vec!["ASL3".into()],
            ignore: vec!["ASL7".into()],
        },
    );
    assert_eq!(opts.select, vec!["ASL3"]);
    assert_eq!(opts.ignore, vec!["unreachable-state", "ASL7"]);
    assert!(c.is_included(Path::new("proj/x/sfn/m.json")));
    assert!(!c.is_included(Path::new("proj/x/m.json")));
    assert!(c.is_excluded(Path::new("proj/cdk.out/a.template.json")));

    let mut diags = vec![
        Diagnostic::new("ASL201", Severity::Error, Default::default(), "x"),
        Diagnostic::new("ASL205", Severity::Error, Default::default(), "y"),
        Diagnostic::new("ASL101", Severity::Error, Default::default(), "z"),
    ];
    c.apply_severity(&mut diags);
    let sev: Vec<Severity> = diags.iter().map(|d| d.severity).collect();
    assert_eq!(
        sev,
        vec![Severity::Warning, Severity::Info, Severity::Error]
    );
}

#[test]
fn workflow_type_in_aws_spelling() {
    // SAM `Type`, CloudFormation `StateMachineType` and Terraform write it in capitals.
    let c = parse("workflow-type = \"EXPRESS\"\n").unwrap();
    let (_, env) = c.options_for(Path::new("proj/a.asl.json"), &Overrides::default());
    assert_eq!(env.workflow, Some(WorkflowType::Express));
}

#[test]
fn gitignore_is_respected_unless_turned_off() {
    assert!(parse("").unwrap().respects_gitignore());
    assert!(
        parse("respect-gitignore = true\n")
            .unwrap()
            .respects_gitignore()
    );
    assert!(
        !parse("respect-gitignore = false\n")
            .unwrap()
            .respects_gitignore()
    );
    assert!(parse("respect-gitignore = \"no\"\n").is_err());
}

#[test]
fn unknown_keys_and_codes_are_errors_with_positions() {
    let e = parse("select = [\"ASL1\"]\n\nfrobnicate = true\n").unwrap_err();
    assert_eq!(e.line, Some((3, 1)));
    assert!(
        e.message.contains("unknown field `frobnicate`"),
        "{}",
        e.message
    );
    assert!(e.message.contains("expected one of"), "{}", e.message);
    assert_eq!(
        e.to_string(),
        format!("proj/asl-lint.toml:3:1: {}", e.message)
    );

    let e = parse("[placeholders]\nmode = \"maybe\"\n").unwrap_err();
    assert_eq!(e.line, Some((2, 8)));
    assert!(
        e.message.contains("unknown variant `maybe`"),
        "{}",
        e.message
    );

    let e = parse("ignore = [\"ASL201\", \"ASL9Z\"]\n").unwrap_err();
    assert_eq!(e.line, Some((1, 21)));
    assert_eq!(
        e.message,
        "`ASL9Z` in ignore matches no rule code, prefix or name"
    );

    let e = parse("[severity]\nASL201 = \"fatal\"\n").unwrap_err();
    assert_eq!(e.line, Some((2, 10)));

    let e = parse("[per-file-ignores]\n\"a/[b\" = [\"ASL2\"]\n").unwrap_err();
    assert_eq!(e.line, Some((2, 1)));
}

/// A dangling link or a folder by the config's name is an error naming it, not a
/// config silently skipped.
#[cfg(unix)]
#[test]
fn a_config_name_that_is_no_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("moved/asl-lint.toml"),
        dir.path().join("asl-lint.toml"),
    )
    .unwrap();
    let r = Resolver::new(None).unwrap();
    let e = r.for_path(&dir.path().join("x.asl.json")).unwrap_err();
    assert!(e.path.ends_with("asl-lint.toml"), "{e:?}");
    assert!(e.message.starts_with("cannot read: "), "{}", e.message);
    let sub = dir.path().join("sub");
    std::fs::create_dir_all(sub.join(".asl-lint.toml")).unwrap();
    let e = Resolver::new(None)
        .unwrap()
        .for_path(&sub.join("y.asl.json"))
        .unwrap_err();
    assert!(e.path.ends_with("sub/.asl-lint.toml"), "{e:?}");
    assert_eq!(e.message, "cannot read: is a directory");
}

#[test]
fn found_by_walking_up() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b/c");
    std::fs::create_dir_all(&nested).unwrap();
    // Nothing inside the temporary folder yet (a file further up may exist).
    let canonical = std::fs::canonicalize(dir.path()).unwrap();
    assert!(find_file(&nested).is_none_or(|p| !p.starts_with(&canonical)));
    std::fs::write(
        dir.path().join("a/.asl-lint.toml"),
        "ignore = [\"ASL801\"]\n",
    )
    .unwrap();
    let found = find_file(&nested).unwrap();
    assert_eq!(
        found,
        std::fs::canonicalize(dir.path())
            .unwrap()
            .join("a/.asl-lint.toml")
    );
    std::fs::write(dir.path().join("a/b/asl-lint.toml"), "").unwrap();
    let found = find_file(&nested).unwrap();
    assert!(found.ends_with("a/b/asl-lint.toml"));
    let r = Resolver::new(None).unwrap();
    let c = r.for_path(&nested.join("x.asl.json")).unwrap();
    assert!(c.ignore.is_empty());
    let c = r.for_path(&dir.path().join("a/y.asl.json")).unwrap();
    assert_eq!(c.ignore, vec!["ASL801"]);
}

#[test]
fn a_folder_pattern_covers_the_files_under_it() {
    for pattern in ["sub", "sub/", "./sub/**"] {
        let c = parse(&format!(
            "exclude = [\"{pattern}\"]\n[per-file-ignores]\n\"{pattern}\" = [\"ASL201\"]\n"
        ))
        .unwrap();
        let file = Path::new("proj/sub/deep/a.asl.json");
        assert!(c.is_excluded(file), "{pattern}");
        // The folder itself too: a walk passes over it, `--force-exclude` leaves it out.
        assert!(c.is_excluded(Path::new("proj/sub")), "{pattern}");
        assert!(!c.is_excluded(Path::new("proj/subway")), "{pattern}");
        let (opts, _) = c.options_for(file, &Overrides::default());
        assert_eq!(opts.ignore, vec!["ASL201"], "{pattern}");
        let (opts, _) = c.options_for(Path::new("proj/other/a.asl.json"), &Overrides::default());
        assert!(opts.ignore.is_empty(), "{pattern}");
    }
    // `include` names files: a folder there does not take in everything under it.
    let c = parse("include = [\"sub\"]\n").unwrap();
    assert!(!c.is_included(Path::new("proj/sub/README.md")));
}

#[test]
fn severity_off_turns_a_rule_off() {
    let c = parse("[severity]\nASL205 = \"off\"\nASL201 = \"Off\"\n").unwrap();
    let (opts, _) = c.options_for(Path::new("proj/a.asl.json"), &Overrides::default());
    assert_eq!(opts.ignore, vec!["ASL201", "ASL205"]);
}
