//! `asl-lint check`: find files, lint them in parallel, render, choose the exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use super::render::{self, FileReport, Format};
use super::{EXIT_USAGE, FailOn};
use crate::config::{Overrides, Resolver};
use crate::diagnostics::{Applicability, Severity};
use crate::files::is_definition_file;
use crate::fix;
use crate::lint::{Reference, lint_owned_bytes_in, lint_referenced_file, lint_referenced_text};

#[derive(Clone, Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories. Directories are searched for `*.asl.json`, `*.asl.yaml`,
    /// `*.asl.yml`, SAM/CloudFormation `template.{yaml,yml,json}`, CDK
    /// `*.template.json`, `serverless.{yml,yaml}`, Terraform `*.tf`/`*.tf.json`/`*.tofu`, and the `include` globs of
    /// asl-lint.toml; files named explicitly are linted whatever their extension. `-`
    /// reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format (`--output-format` is ruff's name for it).
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = Format::Full)]
    pub format: Format,
    /// Exit with 1 when a diagnostic of this severity or higher is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Exit with 0 whatever is reported (the same as `--fail-on never`).
    #[arg(long, conflicts_with = "fail_on")]
    pub exit_zero: bool,
    /// Only run these rules (codes, code prefixes such as `ASL2`, or names; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (codes, prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Read standard input and show it under this name (which also selects its
    /// configuration and `per-file-ignores`); other paths are then ignored.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Colour for the `full` and `concise` formats.
    #[arg(long, value_enum, default_value_t = render::ColorChoice::Auto)]
    pub color: render::ColorChoice,
    /// Use this configuration file for every file, instead of the `asl-lint.toml` or
    /// `.asl-lint.toml` found by walking up from each file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Apply safe fixes to the files (written atomically; files that are not valid
    /// UTF-8 are never written).
    #[arg(long)]
    pub fix: bool,
    /// Also apply unsafe fixes (e.g. did-you-mean state names); implies `--fix` unless
    /// `--diff` is given.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 when there
    /// is something to fix (unless `--exit-zero` or `--fail-on never`).
    #[arg(long)]
    pub diff: bool,
    /// Print how many times each rule was reported instead of the diagnostics.
    /// (Not with `--diff`, which prints the fixes instead of the diagnostics.)
    #[arg(long, conflicts_with = "diff")]
    pub statistics: bool,
    /// Lint again whenever a file under the paths (or an asl-lint.toml above them)
    /// changes, until interrupted.
    #[arg(long)]
    pub watch: bool,
    /// Apply asl-lint.toml's `exclude` to files named on the command line too (tools
    /// such as pre-commit name every changed file).
    #[arg(long)]
    pub force_exclude: bool,
    /// Lint files that Git ignores when walking folders too (`respect-gitignore =
    /// false` in asl-lint.toml does the same).
    #[arg(long)]
    pub no_respect_gitignore: bool,
}

/// The severity from which a diagnostic fails the run (`None`: never).
fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// One input: a file path or standard input.
enum Input {
    File(PathBuf),
    Stdin,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    // An empty entry (`--ignore ASL2,`, a trailing comma; `--select ""`) names no rule:
    // left out, as an empty `select` means all rules.
    let blank = |v: &Vec<String>| v.iter().any(|p| p.trim().is_empty());
    let trimmed;
    let args = if blank(&args.select) || blank(&args.ignore) {
        let mut a = args.clone();
        a.select.retain(|p| !p.trim().is_empty());
        a.ignore.retain(|p| !p.trim().is_empty());
        trimmed = a;
        &trimmed
    } else {
        args
    };
    if args.watch {
        return super::watch::run(args);
    }
    run_once(args)
}

/// An error in `--select`/`--ignore`: a pattern that matches no rule.
pub(super) fn unknown_rule_pattern(args: &CheckArgs) -> Option<String> {
    args.select.iter().chain(&args.ignore).find_map(|pattern| {
        let p = pattern.trim();
        (!crate::config::is_known_pattern(p)).then(|| {
            format!("`{p}` matches no rule code, prefix or name (see `asl-lint rule --list`)")
        })
    })
}

/// One check of the paths: lint, render, and the exit code.
pub(super) fn run_once(args: &CheckArgs) -> ExitCode {
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    if let Some(e) = unknown_rule_pattern(args) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_USAGE);
    }
    let format_name = || {
        clap::ValueEnum::to_possible_value(&args.format)
            .map_or_else(String::new, |v| v.get_name().to_string())
    };
    if args.statistics && !matches!(args.format, Format::Full | Format::Concise | Format::Json) {
        eprintln!(
            "error: --statistics prints a table (or JSON with --format json), not {} output",
            format_name()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    // A step that uploads "SARIF" must not get a diff.
    if args.diff && args.format != Format::Full {
        eprintln!(
            "error: --diff prints a unified diff, not {} output",
            format_name()
        );
        return ExitCode::from(EXIT_USAGE);
    }

    let resolver = match Resolver::new(args.config.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let fixing = args.fix || args.unsafe_fixes || args.diff;
    let mut inputs = Vec::new();
    let mut io_errors = Vec::new();
    let mut excluded_named = 0;
    // `--stdin-filename` reads standard input, as in ruff: a path beside it (other than
    // the default `.`) is named as ignored, never silently linted or fixed instead.
    let stdin_only = args.stdin_filename.is_some();
    if stdin_only {
        for path in &args.paths {
            if path.as_os_str() != "-" && path.as_os_str() != "." {
                eprintln!(
                    "warning: ignoring {} in favour of standard input (--stdin-filename)",
                    path.display()
                );
            }
        }
    }
    let walk = Walk {
        resolver: &resolver,
        respect_gitignore: !args.no_respect_gitignore,
        excluded_by: Default::default(),
    };
    let mut excluded_stdin: Option<Vec<u8>> = None;
    let stdin_path = [PathBuf::from("-")];
    let paths: &[PathBuf] = if stdin_only { &stdin_path } else { &args.paths };
    for path in paths {
        if path.as_os_str() == "-" {
            if fixing && !args.diff && paths.len() > 1 {
                eprintln!(
                    "error: --fix prints the fixed standard input: name no other path with `-`"
                );
                return ExitCode::from(EXIT_USAGE);
            }
            // `--force-exclude` applies `exclude` to the name standard input stands for,
            // as to a named file (editors pipe buffers this way).
            if let (true, Some(name)) = (args.force_exclude, &args.stdin_filename) {
                let named = Path::new(name);
                match resolver.for_path(named) {
                    Ok(c) if c.is_excluded(named) => {
                        excluded_named += 1;
                        // `--fix` prints the document: an excluded one as it came, never
                        // nothing (an editor writing the output back would empty it).
                        if fixing && !args.diff {
                            match crate::files::read_stdin() {
                                Ok(bytes) => excluded_stdin = Some(bytes),
                                Err(e) => io_errors
                                    .push(format!("{name}: cannot read standard input: {e}")),
                            }
                        }
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => io_errors.push(format!("config: {e}")),
                }
            }
            inputs.push(Input::Stdin);
        } else {
            let explicit = if args.force_exclude {
                Named::ExcludeApplies
            } else {
                Named::Always
            };
            let mut ignores = crate::files::GitIgnores::default();
            excluded_named += walk.collect(
                path,
                path,
                explicit,
                &mut ignores,
                &mut inputs,
                &mut io_errors,
            );
        }
    }
    // A file named twice (`a.asl.json ./a.asl.json`, or inside a folder also named) is
    // checked, counted and fixed once.
    let mut seen = std::collections::HashSet::new();
    let mut stdin_seen = false;
    inputs.retain(|input| match input {
        Input::File(path) => seen.insert(std::fs::canonicalize(path).unwrap_or(path.clone())),
        // `check - -`: standard input is read once.
        Input::Stdin => !std::mem::replace(&mut stdin_seen, true),
    });
    if !io_errors.is_empty() && io_errors.iter().any(|e| e.starts_with("config: ")) {
        print_errors_once(io_errors.iter().map(|e| e.trim_start_matches("config: ")));
        return ExitCode::from(EXIT_USAGE);
    }

    // One file: its tree is not freed before exit (see `keep_trees_until_exit`).
    // (Never when watching: the process lints again and again.)
    crate::lint::keep_trees_until_exit(inputs.len() == 1 && !fixing && !args.watch);
    let job = Job {
        args,
        resolver: &resolver,
        overrides: &overrides,
    };
    let mut reports = job.check_all(&inputs);
    let mut files = Vec::with_capacity(reports.len());
    let mut diffs = String::new();
    let (mut fixed_edits, mut fixed_files) = (0usize, 0usize);
    // Files whose fixing stopped at the pass limit with fixes left.
    let mut capped: Vec<String> = Vec::new();
    let mut config_error = false;
    let mut fixed_stdin = excluded_stdin;
    for r in reports.drain(..) {
        match r {
            Ok(mut checked) => {
                fixed_stdin = fixed_stdin.or(checked.fixed_stdin.take());
                if checked.applied > 0 {
                    fixed_edits += checked.applied;
                    fixed_files += 1;
                }
                if checked.capped {
                    capped.push(checked.report.path.clone());
                }
                diffs.push_str(&checked.diff);
                io_errors.extend(checked.write_error);
                files.push(checked.report);
            }
            Err(e) => {
                config_error |= e.starts_with("config: ");
                io_errors.push(e.trim_start_matches("config: ").to_string());
            }
        }
    }
    if config_error {
        print_errors_once(io_errors.iter().map(String::as_str));
        return ExitCode::from(EXIT_USAGE);
    }
    if args.diff {
        if !super::write_stdout(diffs.as_bytes()) {
            return ExitCode::from(EXIT_USAGE);
        }
        for e in &io_errors {
            eprintln!("error: {e}");
        }
        eprintln!(
            "{}",
            if fixed_edits == 0 {
                "No fixes available.".to_string()
            } else {
                format!(
                    "Would fix {fixed_edits} problem{} in {fixed_files} file{}.",
                    if fixed_edits == 1 { "" } else { "s" },
                    if fixed_files == 1 { "" } else { "s" }
                )
            }
        );
        // Pending fixes fail the run, unless the run is told never to fail.
        let never = args.exit_zero || matches!(args.fail_on, FailOn::Never);
        return if !io_errors.is_empty() {
            ExitCode::from(EXIT_USAGE)
        } else if fixed_edits > 0 && !never {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }

    let color = args
        .color
        .enabled(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    // `--fix` on standard input: the fixed document goes to standard output, the
    // findings left to standard error (as ruff does).
    if let Some(text) = &fixed_stdin
        && !super::write_stdout(text)
    {
        return ExitCode::from(EXIT_USAGE);
    }
    {
        let mut stdout: Box<dyn Write> = if fixed_stdin.is_some() {
            Box::new(std::io::BufWriter::new(std::io::stderr().lock()))
        } else {
            Box::new(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout().lock(),
            ))
        };
        // Nothing was checked (an I/O error, no definitions): a text summary would
        // read "All checks passed"; the machine formats still give their empty report.
        let silent = files.is_empty() && matches!(args.format, Format::Full | Format::Concise);
        let result = if silent {
            Ok(())
        } else if args.statistics {
            stdout.write_all(statistics(args.format, &files, &io_errors).as_bytes())
        } else {
            render::write(
                args.format,
                &files,
                &io_errors,
                color,
                threshold(if args.exit_zero {
                    FailOn::Never
                } else {
                    args.fail_on
                }),
                &mut stdout,
            )
        };
        if super::output_failed(result.and_then(|()| stdout.flush())) {
            return ExitCode::from(EXIT_USAGE);
        }
    }
    // The summary is for people: the machine formats (which `--fix` on standard input
    // writes to standard error) stay alone on their stream, readable as a whole.
    let for_people = matches!(args.format, Format::Full | Format::Concise);
    if fixing && fixed_edits > 0 && for_people {
        eprintln!(
            "Fixed {fixed_edits} problem{} in {fixed_files} file{}.",
            if fixed_edits == 1 { "" } else { "s" },
            if fixed_files == 1 { "" } else { "s" }
        );
    }
    if for_people {
        for path in &capped {
            eprintln!(
                "warning: {path}: stopped after {} rounds of fixes with fixes left; run again to apply them.",
                fix::MAX_PASSES
            );
        }
    }
    for e in &io_errors {
        eprintln!("error: {e}");
    }
    if !io_errors.is_empty() {
        return ExitCode::from(EXIT_USAGE);
    }
    if inputs.is_empty() && excluded_named > 0 {
        // Everything named is excluded (`--force-exclude`): nothing to do.
        return ExitCode::SUCCESS;
    }
    if inputs.is_empty() {
        let excluded_by = walk.excluded_by.into_inner();
        if excluded_by.is_empty() {
            eprintln!(
                "error: no state machine definitions found (looked for *.asl.json, *.asl.yaml, *.asl.yml, template.yaml, serverless.yml, *.template.json, *.tf, *.tf.json, *.tofu)"
            );
        } else {
            let configs: Vec<&str> = excluded_by.iter().map(String::as_str).collect();
            eprintln!(
                "error: no state machine definitions found outside what `exclude` in {} leaves out (name a path to lint it)",
                configs.join(", ")
            );
        }
        return ExitCode::from(EXIT_USAGE);
    }
    let threshold = threshold(if args.exit_zero {
        FailOn::Never
    } else {
        args.fail_on
    });
    let failed = threshold.is_some_and(|t| {
        files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| d.severity >= t)
    });
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What every file's check shares.
struct Job<'a> {
    args: &'a CheckArgs,
    resolver: &'a Resolver,
    overrides: &'a Overrides,
}

/// One checked file: its report, and what fixing did.
struct Checked {
    report: FileReport,
    applied: usize,
    /// Fixing stopped at the pass limit with fixes left (see [`fix::Outcome::capped`]).
    capped: bool,
    diff: String,
    /// The fixes could not be written (the report is of the file as it is on disk).
    write_error: Option<String>,
    /// The local files the template's definitions name.
    references: Vec<Reference>,
    /// Standard input fixed by `--fix`, to print in place of writing a file.
    fixed_stdin: Option<Vec<u8>>,
}

/// True for `*.asl.json`, `*.asl.yaml`, `*.asl.yml`: the names of definition files that
/// a template may reference, linted after the templates (see [`Job::check_all`]).
fn is_asl_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".asl.json") || name.ends_with(".asl.yaml") || name.ends_with(".asl.yml")
}

/// How a path is shown: as given, without a leading `./`.
fn shown_path(path: &Path) -> String {
    let shown = path.display().to_string();
    shown
        .strip_prefix("./")
        .map_or(shown.clone(), str::to_string)
}

/// Adds `reference` (to the file whose canonical path is `key`, made by input `i`) to
/// the group of that file, which it starts when it is the first.
fn add_reference(
    groups: &mut Vec<(usize, Referenced)>,
    by_key: &mut std::collections::HashMap<PathBuf, usize>,
    i: usize,
    key: PathBuf,
    reference: &Reference,
) {
    let g = *by_key.entry(key).or_insert_with(|| {
        groups.push((
            i,
            Referenced {
                shown: shown_path(&reference.path),
                path: reference.path.clone(),
                references: Vec::new(),
            },
        ));
        groups.len() - 1
    });
    if !groups[g].1.references.contains(reference) {
        groups[g].1.references.push(reference.clone());
    }
}

/// A file that templates reference, with every reference to it.
struct Referenced {
    /// The path shown for it: as named on the command line or found by the walk, or as
    /// the first template names it.
    shown: String,
    path: PathBuf,
    references: Vec<Reference>,
}

impl Job<'_> {
    /// Lints every input, in parallel, and returns the reports in input order.
    ///
    /// A file that a template references (`DefinitionUri`, a local
    /// `DefinitionS3Location`) is linted once, as the template deploys it (with its
    /// `DefinitionSubstitutions` and workflow type), even when the walk also found it or
    /// it was named on the command line; its report takes the place of that input, or
    /// follows the template when it is not an input. Templates go first, so that the
    /// `*.asl.*` files they reference are not linted twice; a file referenced by several
    /// state machines is linted with each one's substitutions, and a diagnostic they
    /// share is reported once.
    fn check_all(&self, inputs: &[Input]) -> Vec<Result<Checked, String>> {
        let deferred = |input: &Input| matches!(input, Input::File(p) if is_asl_name(p));
        // A template piped in is fixed on standard output only: the files it names are
        // linted, and never written (an editor or `git show REV:template.yaml` feeds a
        // buffer precisely so that nothing on disk changes).
        let from_stdin = inputs.iter().any(|i| matches!(i, Input::Stdin));
        let first: Vec<(usize, Result<Checked, String>)> = inputs
            .par_iter()
            .enumerate()
            .filter(|(_, input)| !deferred(input))
            .map(|(i, input)| (i, self.check_input(input)))
            .collect();
        // Every referenced file, by canonical path, in order of first reference.
        let mut groups: Vec<(usize, Referenced)> = Vec::new();
        let mut by_key: std::collections::HashMap<PathBuf, usize> =
            std::collections::HashMap::new();
        let has_references = first
            .iter()
            .any(|(_, r)| r.as_ref().is_ok_and(|c| !c.references.is_empty()));
        let input_keys: std::collections::HashSet<PathBuf> = if has_references {
            inputs
                .iter()
                .filter_map(|input| match input {
                    Input::File(p) => std::fs::canonicalize(p).ok(),
                    Input::Stdin => None,
                })
                .collect()
        } else {
            std::collections::HashSet::new()
        };
        for (i, r) in &first {
            let Ok(checked) = r else { continue };
            let own = match &inputs[*i] {
                Input::File(p) => std::fs::canonicalize(p).ok(),
                Input::Stdin => None,
            };
            for reference in &checked.references {
                let Ok(key) = std::fs::canonicalize(&reference.path) else {
                    continue;
                };
                // A template naming itself stays a template.
                if own.as_ref() == Some(&key) {
                    continue;
                }
                // A file that asl-lint.toml excludes is not linted for the templates
                // that reference it either, unless it was also given as an input.
                if !input_keys.contains(&key)
                    && self
                        .resolver
                        .for_path(&reference.path)
                        .is_ok_and(|c| c.is_excluded(&reference.path))
                {
                    continue;
                }
                add_reference(&mut groups, &mut by_key, *i, key, reference);
            }
        }
        self.find_owners(inputs, &first, &mut groups, &mut by_key);
        // Inputs that are referenced files: the referenced report takes their place.
        let mut taken = vec![false; inputs.len()];
        let mut placed: Vec<Option<usize>> = vec![None; groups.len()];
        if !groups.is_empty() {
            for (i, input) in inputs.iter().enumerate() {
                let Input::File(path) = input else { continue };
                let Some(&g) = std::fs::canonicalize(path)
                    .ok()
                    .and_then(|k| by_key.get(&k))
                else {
                    continue;
                };
                if placed[g].is_none() {
                    placed[g] = Some(i);
                    groups[g].1.shown = shown_path(path);
                    groups[g].1.path = path.clone();
                }
                taken[i] = true;
            }
        }
        enum Second<'a> {
            Input(usize),
            Referenced(usize, &'a Referenced),
        }
        let mut second: Vec<Second<'_>> = inputs
            .iter()
            .enumerate()
            .filter(|(i, input)| deferred(input) && !taken[*i])
            .map(|(i, _)| Second::Input(i))
            .collect();
        second.extend(
            groups
                .iter()
                .enumerate()
                .map(|(g, (_, r))| Second::Referenced(g, r)),
        );
        let second: Vec<((usize, usize), Result<Checked, String>)> = second
            .par_iter()
            .map(|job| match job {
                Second::Input(i) => ((*i, 0), self.check_input(&inputs[*i])),
                Second::Referenced(g, r) => {
                    let key = match placed[*g] {
                        Some(i) => (i, 0),
                        None => (groups[*g].0, 1 + g),
                    };
                    (key, self.check_referenced(r, !from_stdin))
                }
            })
            .collect();
        let mut all: Vec<((usize, usize), Result<Checked, String>)> = first
            .into_iter()
            .filter(|(i, _)| !taken[*i])
            .map(|(i, r)| ((i, 0), r))
            .chain(second)
            .collect();
        all.sort_by_key(|(k, _)| *k);
        all.into_iter().map(|(_, r)| r).collect()
    }

    /// Adds to `groups` the references that templates of the project make to the
    /// `*.asl.*` inputs no input template references, so that a definition file named on
    /// its own (as a pre-commit hook names the files that changed) is linted as
    /// `asl-lint check .` lints it: with its template's `DefinitionSubstitutions` (or
    /// Terraform variables) and workflow type, and, when a Serverless file's
    /// `${file(...)}` reads it, with its CloudFormation functions taken as resolved.
    /// The project is the Git work tree around the file (else its folder), walked as
    /// the language server walks a workspace; templates that asl-lint.toml excludes and
    /// templates that do not hold the file's name are not read.
    fn find_owners(
        &self,
        inputs: &[Input],
        first: &[(usize, Result<Checked, String>)],
        groups: &mut Vec<(usize, Referenced)>,
        by_key: &mut std::collections::HashMap<PathBuf, usize>,
    ) {
        // Each orphan by project, with its canonical path.
        let mut projects: Vec<(PathBuf, Vec<(usize, PathBuf)>)> = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            let Input::File(path) = input else { continue };
            if !is_asl_name(path) {
                continue;
            }
            // (Also one that an input template names: the other templates that name it
            // are its deployers too.)
            let Ok(key) = std::fs::canonicalize(path) else {
                continue;
            };
            let top = crate::files::project_top(key.parent().unwrap_or(Path::new("/")));
            match projects.iter_mut().find(|(t, _)| *t == top) {
                Some((_, orphans)) => orphans.push((i, key)),
                None => projects.push((top, vec![(i, key)])),
            }
        }
        // Templates linted as inputs already gave their references.
        let linted: std::collections::HashSet<PathBuf> = first
            .iter()
            .filter_map(|(i, _)| match &inputs[*i] {
                Input::File(p) => std::fs::canonicalize(p).ok(),
                Input::Stdin => None,
            })
            .collect();
        for (top, orphans) in projects {
            let skip = |template: &Path| {
                std::fs::canonicalize(template).is_ok_and(|t| linted.contains(&t))
                    || self.excluded(template)
            };
            let keys: Vec<PathBuf> = orphans.iter().map(|(_, key)| key.clone()).collect();
            for (j, _, reference) in crate::embed::owners::references_to(&top, &keys, &skip) {
                let (i, key) = &orphans[j];
                add_reference(groups, by_key, *i, key.clone(), &reference);
            }
        }
    }

    /// Whether asl-lint.toml excludes `path`.
    fn excluded(&self, path: &Path) -> bool {
        self.resolver
            .for_path(path)
            .is_ok_and(|c| c.is_excluded(path))
    }

    fn check_input(&self, input: &Input) -> Result<Checked, String> {
        let args = self.args;
        match input {
            Input::Stdin => {
                let name = args.stdin_filename.as_deref().unwrap_or("<stdin>");
                let bytes = crate::files::read_stdin()
                    .map_err(|e| format!("{name}: cannot read standard input: {e}"))?;
                // `--fix` on standard input prints the document, fixed where it could
                // be: the bytes as they came when nothing was fixed.
                let original = (args.fix || args.unsafe_fixes) && !args.diff;
                let original = original.then(|| bytes.clone());
                // A definition file's buffer (an editor, `git show REV:file`) is linted as
                // the templates that name the file on disk deploy it, as the file is.
                let references = match &args.stdin_filename {
                    Some(file) if is_asl_name(Path::new(file)) => {
                        self.stdin_owners(Path::new(file))
                    }
                    _ => Vec::new(),
                };
                let mut checked = match references.is_empty() {
                    true => self.check(name.to_string(), None, bytes)?,
                    false => self.check_buffer_referenced(name, bytes, &references)?,
                };
                checked.fixed_stdin = original.map(|bytes| match checked.applied {
                    0 => bytes,
                    _ => checked.report.text.clone().into_bytes(),
                });
                Ok(checked)
            }
            Input::File(path) => {
                let shown = shown_path(path);
                let bytes = crate::files::read(path)
                    .map_err(|e| format!("{shown}: cannot read: {}", io_message(&e)))?;
                self.check(shown, Some(path), bytes)
            }
        }
    }

    /// The references that the templates of its project make to the file `file` (named
    /// by `--stdin-filename`), when it exists: see [`Job::find_owners`].
    fn stdin_owners(&self, file: &Path) -> Vec<Reference> {
        let Ok(key) = std::fs::canonicalize(file) else {
            return Vec::new();
        };
        let top = crate::files::project_top(key.parent().unwrap_or(Path::new("/")));
        let skip = |template: &Path| self.excluded(template);
        crate::embed::owners::references_to(&top, &[key], &skip)
            .into_iter()
            .map(|(_, _, reference)| reference)
            .collect()
    }

    /// Lints a buffer (standard input) as the file `references` name, with each
    /// reference's substitutions ([`Job::check_referenced`] for text not on disk). Bytes
    /// that are not exact text are linted as any buffer is.
    fn check_buffer_referenced(
        &self,
        name: &str,
        bytes: Vec<u8>,
        references: &[Reference],
    ) -> Result<Checked, String> {
        let (text, exact) = {
            let decoded = crate::syntax::decode(&bytes);
            let exact = decoded.error.is_none() && !decoded.binary;
            (decoded.text.into_owned(), exact)
        };
        if !exact {
            return self.check(name.to_string(), None, bytes);
        }
        let path = Path::new(name);
        let config = self
            .resolver
            .for_path(path)
            .map_err(|e| format!("config: {e}"))?;
        let (mut options, env) = config.options_for(path, self.overrides);
        options.skip_fixes = false;
        let kind = crate::syntax::detect_kind(Some(name), &text);
        let relint = |text: &str| {
            let mut d = lint_referenced_text(text, kind, references, &options, &env);
            config.apply_severity(&mut d);
            d
        };
        let linted = crate::lint::LintedFile {
            diagnostics: relint(&text),
            text,
            kind,
            text_is_exact: true,
            references: Vec::new(),
        };
        self.finish(name.to_string(), None, linted, true, &relint)
    }

    /// Lints a referenced file with each reference's substitutions, under the settings
    /// of the asl-lint.toml found from the file itself; fixes are checked against every
    /// reference too, and applied when `fixable` (else only counted).
    fn check_referenced(&self, r: &Referenced, fixable: bool) -> Result<Checked, String> {
        let config = self
            .resolver
            .for_path(&r.path)
            .map_err(|e| format!("config: {e}"))?;
        let (mut options, env) = config.options_for(&r.path, self.overrides);
        // Fixes are built for every format: the summary counts what `--fix` would fix.
        options.skip_fixes = false;
        let mut linted = lint_referenced_file(&r.references, &options, &env)
            .map_err(|e| format!("{}: cannot read: {}", r.shown, io_message(&e)))?;
        config.apply_severity(&mut linted.diagnostics);
        let kind = linted.kind;
        let relint = |text: &str| {
            let mut d = lint_referenced_text(text, kind, &r.references, &options, &env);
            config.apply_severity(&mut d);
            d
        };
        self.finish(r.shown.clone(), Some(&r.path), linted, fixable, &relint)
    }

    /// Lints one file (`path` is `None` for standard input) and, when asked, fixes it.
    /// Errors starting with `config: ` are configuration errors.
    fn check(&self, shown: String, path: Option<&Path>, bytes: Vec<u8>) -> Result<Checked, String> {
        let config_path = path.map_or_else(|| Path::new(&shown).to_path_buf(), Path::to_path_buf);
        let config = self
            .resolver
            .for_path(&config_path)
            .map_err(|e| format!("config: {e}"))?;
        let (mut options, env) = config.options_for(&config_path, self.overrides);
        // Fixes are built for every format: the summary counts what `--fix` would fix.
        // Only JSON and SARIF show their edits, and only fixing applies them.
        options.skip_fixes = false;
        let args = self.args;
        options.fix_kinds_only = !(args.fix
            || args.unsafe_fixes
            || args.diff
            || matches!(args.format, Format::Json | Format::Sarif));
        let mut linted = lint_owned_bytes_in(bytes, Some(&shown), &options, &env);
        config.apply_severity(&mut linted.diagnostics);
        let kind = linted.kind;
        let name = shown.clone();
        let relint = |text: &str| {
            let mut d = crate::lint::lint_file_text(text, Some(&name), kind, &options, &env).0;
            config.apply_severity(&mut d);
            d
        };
        self.finish(shown, path, linted, true, &relint)
    }

    /// Fixes a linted file when asked and `fixable` (`relint` lints a fixed text again)
    /// and makes its report.
    fn finish(
        &self,
        shown: String,
        path: Option<&Path>,
        mut linted: crate::lint::LintedFile,
        fixable: bool,
        relint: &dyn Fn(&str) -> Vec<crate::diagnostics::Diagnostic>,
    ) -> Result<Checked, String> {
        let args = self.args;
        let terraform =
            path.is_some_and(|p| crate::embed::terraform::is_terraform_path(&p.to_string_lossy()));
        let mut applied = 0;
        let mut capped = false;
        let mut diff = String::new();
        let mut write_error = None;
        if (args.fix || args.unsafe_fixes) && !args.diff && !fixable {
            // Not applied: the findings stay, counted as fixable.
        } else if (args.fix || args.unsafe_fixes || args.diff) && linted.text_is_exact {
            let diagnostics = std::mem::take(&mut linted.diagnostics);
            let before = diagnostics.len();
            let outcome = fix::fix_text(
                &linted.text,
                (!terraform).then_some(linted.kind),
                diagnostics,
                args.unsafe_fixes,
                relint,
            );
            capped = outcome.capped;
            // Problems fixed: the findings that went away. Fixes shared by several
            // findings, and findings a fix resolves as a side effect, count as they
            // do for the reader; a fix that traded one finding for another counts once.
            if outcome.applied > 0 {
                applied = before
                    .saturating_sub(outcome.diagnostics.len())
                    .max(outcome.applied);
            }
            if outcome.text != linted.text {
                if args.diff {
                    diff = fix::unified_diff(&shown, &linted.text, &outcome.text);
                } else if let Some(path) = path
                    && let Err(e) = fix::write_atomic(path, outcome.text.as_bytes())
                {
                    write_error = Some(format!(
                        "{shown}: cannot write the fixes: {}",
                        io_message(&e)
                    ));
                }
            }
            if write_error.is_some() {
                applied = 0;
            }
            if args.diff || write_error.is_some() {
                // Report the file as it is on disk.
                linted.diagnostics = relint(&linted.text);
            } else {
                linted.text = outcome.text;
                linted.diagnostics = outcome.diagnostics;
            }
            // Fixes of the kind just applied that are still there could not be applied
            // (they undo another fix, would break the text, or the file cannot be
            // written, which is said on its own): the summary does not offer them again
            // with the flag that was given, unless fixing stopped at its round limit.
            if !args.diff && !capped {
                for d in &mut linted.diagnostics {
                    d.fixes.retain(|f| match f.applicability {
                        Applicability::Safe => false,
                        Applicability::Unsafe => !args.unsafe_fixes,
                        Applicability::DisplayOnly => true,
                    });
                }
            }
        }
        // Text that does not read is not fixed (see `fix::fix_text`): its findings are
        // not offered as fixable. (A syntax error inside a template's definition
        // string leaves the template readable.)
        // Nor is a file that is not UTF-8 text (it is never written).
        if !linted.text_is_exact
            || !terraform
                && linted
                    .diagnostics
                    .iter()
                    .any(|d| matches!(d.code, "ASL001" | "ASL004" | "ASL005"))
                && !fix::reads(&linted.text, linted.kind)
        {
            for d in &mut linted.diagnostics {
                d.fixes.clear();
            }
        }
        // Only JSON and SARIF show what a fix would write; the other formats count the
        // fixable findings. Their edits are dropped here, each fix keeping its
        // applicability: on a large definition they are megabytes that rendering would
        // otherwise be done on top of.
        if !matches!(args.format, Format::Json | Format::Sarif) {
            for fix in linted.diagnostics.iter_mut().flat_map(|d| &mut d.fixes) {
                fix.title = String::new();
                fix.edits = Vec::new();
            }
        } else {
            // What `--fix` would write: in a CRLF file, CRLF line breaks.
            let edits = linted
                .diagnostics
                .iter_mut()
                .flat_map(|d| &mut d.fixes)
                .flat_map(|f| &mut f.edits);
            let crlf = crate::syntax::text::ends_lines_with_crlf(&linted.text);
            for e in edits {
                if crlf && e.replacement.contains('\n') {
                    e.replacement = crate::syntax::text::with_line_endings(crlf, &e.replacement);
                }
            }
        }
        Ok(Checked {
            report: FileReport {
                path: shown,
                text: linted.text,
                diagnostics: linted.diagnostics,
            },
            applied,
            capped,
            diff,
            write_error,
            references: linted.references,
            fixed_stdin: None,
        })
    }
}

/// `--statistics`: how many times each rule was reported, most frequent first, with
/// the severity it was reported at (after `[severity]`): a rule reported at two
/// severities (configured apart in two folders) has a row for each, the higher first.
fn statistics(format: Format, files: &[FileReport], errors: &[String]) -> String {
    let mut counts: std::collections::BTreeMap<(&str, std::cmp::Reverse<Severity>), usize> =
        std::collections::BTreeMap::new();
    for d in files.iter().flat_map(|f| &f.diagnostics) {
        *counts
            .entry((d.code, std::cmp::Reverse(d.severity)))
            .or_default() += 1;
    }
    let mut rows: Vec<(&str, Severity, usize)> = counts
        .into_iter()
        .map(|((code, sev), n)| (code, sev.0, n))
        .collect();
    // (A stable sort: ties stay by code, then by severity, the higher first.)
    rows.sort_by_key(|row| std::cmp::Reverse(row.2));
    let name = |code: &str| crate::rules::find(code).map_or("", |r| r.meta.name);
    if format == Format::Json {
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, sev, n)| {
                serde_json::json!({
                    "code": code,
                    "name": name(code),
                    "severity": sev.as_str(),
                    "count": n,
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let width = rows
        .iter()
        .map(|(_, _, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (code, sev, n) in &rows {
        let (name, sev) = (name(code), sev.as_str());
        out.push_str(&format!("{n:>width$}  {code}  {sev:<7}  {name}\n"));
    }
    out.push_str(&render::summary(files, errors));
    out.push('\n');
    out
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        // An error of asl-lint's own (a read-only file it will not replace) says why.
        std::io::ErrorKind::PermissionDenied if e.get_ref().is_some() => {
            format!("permission denied ({e})")
        }
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// How a path named on the command line is taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Named {
    /// Found by walking a folder: checked when its name or `include` says so, unless
    /// `exclude` matches.
    No,
    /// Named: checked whatever its name, even when `exclude` matches.
    Always,
    /// Named, with `--force-exclude`: checked whatever its name, unless `exclude` matches.
    ExcludeApplies,
}

/// Prints each error once, in order: a broken asl-lint.toml is met by every file that
/// it configures, and the same message for each of them says nothing more.
fn print_errors_once<'e>(errors: impl Iterator<Item = &'e str>) {
    let mut seen = std::collections::HashSet::new();
    for e in errors {
        if seen.insert(e) {
            eprintln!("error: {e}");
        }
    }
}

/// How folders are walked for the files to check.
struct Walk<'r> {
    resolver: &'r Resolver,
    /// False with `--no-respect-gitignore`; else the configuration decides.
    respect_gitignore: bool,
    /// The configuration files whose `exclude` left out a file or folder the walk met,
    /// for the message when nothing is left to lint.
    excluded_by: std::cell::RefCell<std::collections::BTreeSet<String>>,
}

impl Walk<'_> {
    /// Adds the files to check under `path` to `inputs`; returns how many named paths
    /// `exclude` left out. `top` is the path named on the command line that the walk
    /// started from (what `exclude` says of it does not apply under it, see
    /// [`crate::config::Config::is_excluded_below`]). `ignores` holds the Git ignore
    /// files in force above `path` (a named folder reads its own).
    fn collect(
        &self,
        top: &Path,
        path: &Path,
        named: Named,
        ignores: &mut crate::files::GitIgnores,
        inputs: &mut Vec<Input>,
        errors: &mut Vec<String>,
    ) -> usize {
        let resolver = self.resolver;
        let explicit = named != Named::No;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{}: {}", path.display(), io_message(&e)));
                return 0;
            }
        };
        let config = if named == Named::Always {
            // A path named is linted whatever `exclude` says of it.
            None
        } else {
            match resolver.for_path(path) {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(format!("config: {e}"));
                    return 0;
                }
            }
        };
        if let Some(c) = &config {
            let excluded = if explicit {
                c.is_excluded(path)
            } else {
                c.is_excluded_below(path, top)
            };
            if excluded {
                // A file the walk would not have linted anyway is not worth a word.
                let wanted = !meta.is_file() || is_definition_file(path) || c.is_included(path);
                if !explicit && wanted {
                    // (`None`: never, as a configuration without a file excludes nothing.)
                    if let Some(shown) = c.shown_path() {
                        self.excluded_by.borrow_mut().insert(shown);
                    }
                }
                return usize::from(explicit);
            }
        }
        if meta.is_file() {
            if explicit
                || is_definition_file(path)
                || config.as_ref().is_some_and(|c| c.is_included(path))
            {
                inputs.push(Input::File(path.to_path_buf()));
            }
        } else if meta.is_dir() {
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    errors.push(format!(
                        "{}: cannot read directory: {}",
                        path.display(),
                        io_message(&e)
                    ));
                    return 0;
                }
            };
            entries.sort();
            // A named folder starts the Git ignore rules of its work tree; a folder walked
            // into adds its own `.gitignore`.
            let entered = if explicit {
                // (A configuration error is reported when the files are linted.)
                let respect = self.respect_gitignore
                    && resolver
                        .for_path(path)
                        .is_ok_and(|c| c.respects_gitignore());
                if respect {
                    *ignores = crate::files::GitIgnores::at(path);
                }
                crate::files::Entered::Nothing
            } else {
                ignores.enter(path)
            };
            for entry in entries {
                let name = entry
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                let name = name.as_ref();
                // Skip hidden folders and build output, as linters do.
                if crate::files::walk_skips(name) {
                    continue;
                }
                // Do not follow symbolic links to directories (loops).
                let own_type = std::fs::symlink_metadata(&entry).map(|m| m.file_type());
                let is_link = own_type.as_ref().is_ok_and(std::fs::FileType::is_symlink);
                if is_link && entry.is_dir() {
                    continue;
                }
                // A dangling link is no error of the walk, even under a definition's
                // name (a per-developer link, a removed build output): the walk reads
                // no file through it. Named on the command line, it is one.
                if is_link && !entry.exists() {
                    continue;
                }
                // (A link here is to a file: a folder's type is known without a
                // second look at the disk.)
                let is_dir = own_type.is_ok_and(|t| t.is_dir());
                if ignores.ignores(&entry, is_dir) {
                    continue;
                }
                self.collect(top, &entry, Named::No, ignores, inputs, errors);
            }
            ignores.leave(entered);
        } else if explicit {
            errors.push(format!("{}: not a file or directory", path.display()));
        }
        0
    }
}
