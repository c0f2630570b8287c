//! `asl-lint.toml` (or `.asl-lint.toml`): project settings, found by walking up from
//! each linted file. The JSON schema is `schemas/asl-lint.config.schema.json`.
//!
//! ```toml
//! select = ["ASL"]                 # codes, prefixes or names; default: all rules
//! ignore = ["ASL801"]
//! include = ["**/statemachines/*.json"]   # more files for directory walks
//! exclude = ["cdk.out/**"]
//! workflow-type = "express"        # standalone definitions run as EXPRESS (default "standard")
//!
//! [per-file-ignores]
//! "tests/fixtures/**" = ["ASL2"]
//!
//! [severity]
//! ASL205 = "warning"
//!
//! [placeholders]
//! mode = "unknown"                 # or "literal"
//! values = { Environment = "prod" }
//! ```
//!
//! Unknown keys are errors with their position. Paths and globs are relative to the
//! folder holding the file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Severity};
use crate::embed::{Environment, PlaceholderMode};
use crate::lint::LintOptions;
use crate::rules::{self, WorkflowType};
use crate::syntax::LineIndex;

/// File names searched for, in order, in each folder.
pub const FILE_NAMES: [&str; 2] = ["asl-lint.toml", ".asl-lint.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    per_file_ignores: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    placeholders: RawPlaceholders,
    /// The workflow type of standalone definitions (templates give their own).
    workflow_type: Option<WorkflowType>,
    /// Whether folder walks pass over what Git ignores (default true).
    respect_gitignore: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPlaceholders {
    #[serde(default)]
    mode: PlaceholderMode,
    #[serde(default)]
    values: BTreeMap<String, toml::Value>,
}

/// A configuration error with its position in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column, when known.
    pub line: Option<(u32, u32)>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// Settings in force for files under one folder.
#[derive(Debug, Default)]
pub struct Config {
    /// The file the settings came from (`None`: defaults).
    pub path: Option<PathBuf>,
    /// The folder that relative globs start from.
    pub root: PathBuf,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// For each glob of `exclude`, the pattern it came from (see [`folder_of`]).
    exclude_patterns: Vec<usize>,
    per_file_ignores: Vec<(GlobSet, Vec<String>)>,
    /// Code, prefix or name → severity; later entries are more specific (longer).
    severity: Vec<(String, Severity)>,
    pub placeholders: PlaceholderMode,
    pub values: BTreeMap<String, String>,
    /// `workflow-type`: how standalone definitions are deployed.
    pub workflow: Option<WorkflowType>,
    /// `respect-gitignore` (`None`: not given, which means true).
    pub respect_gitignore: Option<bool>,
}

/// Rule selection given on the command line, on top of the file's.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Replaces the file's `select` when non-empty.
    pub select: Vec<String>,
    /// Added to the file's `ignore`.
    pub ignore: Vec<String>,
}

/// True when `pattern` is `ALL`, a rule name, or a prefix of some rule code.
pub fn is_known_pattern(pattern: &str) -> bool {
    let p = pattern.trim();
    p.eq_ignore_ascii_case("ALL")
        || rules::RULES.iter().any(|r| {
            r.meta.name == p
                || (!p.is_empty()
                    && r.meta.code.len() >= p.len()
                    && r.meta.code[..p.len()].eq_ignore_ascii_case(p))
        })
}

fn pattern_matches(pattern: &str, code: &str) -> bool {
    let p = pattern.trim();
    p.eq_ignore_ascii_case("ALL")
        || (code.len() >= p.len() && code[..p.len()].eq_ignore_ascii_case(p))
        || rules::find(code).is_some_and(|r| r.meta.name == p)
}

impl Config {
    /// Defaults for files under `root` with no configuration file.
    pub fn default_for(root: &Path) -> Config {
        Config {
            root: root.to_path_buf(),
            ..Config::default()
        }
    }

    /// Whether a folder walk passes over what Git ignores (`respect-gitignore`).
    pub fn respects_gitignore(&self) -> bool {
        self.respect_gitignore != Some(false)
    }

    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::files::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read: {e}"),
        })?;
        Config::parse(&text, path)
    }

    /// Parses configuration text; `path` names it in errors and gives the root folder.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let index = LineIndex::new(text);
        let error_at = |span: Option<std::ops::Range<usize>>, message: String| {
            let line = span.map(|s| {
                let lc = index.line_col(text, s.start as u32);
                (lc.line, lc.column)
            });
            ConfigError {
                path: path.to_path_buf(),
                line,
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace('\n', " ");
            error_at(e.span(), message)
        })?;
        let check_codes =
            |list: &[Spanned<String>], what: &str| -> Result<Vec<String>, ConfigError> {
                list.iter()
                    .map(|s| {
                        if is_known_pattern(s.get_ref()) {
                            Ok(s.get_ref().clone())
                        } else {
                            Err(error_at(
                                Some(s.span()),
                                format!(
                                    "`{}` in {what} matches no rule code, prefix or name",
                                    s.get_ref()
                                ),
                            ))
                        }
                    })
                    .collect()
            };
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let globs =
            |list: &[Spanned<String>], what: &str| -> Result<Option<GlobSet>, ConfigError> {
                if list.is_empty() {
                    return Ok(None);
                }
                let mut b = GlobSetBuilder::new();
                for g in list {
                    let pattern = normal_glob(g.get_ref());
                    let glob = Glob::new(&pattern).map_err(|e| {
                        error_at(
                            Some(g.span()),
                            format!("invalid glob in {what}: {}", e.kind()),
                        )
                    })?;
                    b.add(glob);
                    if what == "exclude"
                        && let Some(folder) = folder_of(&pattern)
                    {
                        b.add(folder);
                    }
                }
                b.build()
                    .map(Some)
                    .map_err(|e| error_at(None, format!("invalid globs in {what}: {e}")))
            };
        let select = match &raw.select {
            Some(list) => Some(check_codes(list, "select")?),
            None => None,
        };
        let mut ignore = check_codes(&raw.ignore, "ignore")?;
        let include = globs(&raw.include, "include")?;
        let exclude = globs(&raw.exclude, "exclude")?;
        // Which pattern each glob of `exclude` came from.
        let exclude_patterns = raw
            .exclude
            .iter()
            .enumerate()
            .flat_map(|(i, g)| {
                let folder = folder_of(&normal_glob(g.get_ref())).is_some();
                std::iter::repeat_n(i, 1 + usize::from(folder))
            })
            .collect();
        let mut per_file_ignores = Vec::new();
        for (glob, codes) in &raw.per_file_ignores {
            let set = GlobSetBuilder::new()
                .add(Glob::new(&normal_glob(glob)).map_err(|e| {
                    error_at(
                        find_key(text, glob),
                        format!("invalid glob `{glob}` in per-file-ignores: {}", e.kind()),
                    )
                })?)
                .build()
                .map_err(|e| error_at(None, e.to_string()))?;
            per_file_ignores.push((set, check_codes(codes, "per-file-ignores")?));
        }
        let mut severity = Vec::new();
        for (code, level) in &raw.severity {
            if !is_known_pattern(code) {
                return Err(error_at(
                    find_key(text, code),
                    format!("`{code}` in [severity] matches no rule code, prefix or name"),
                ));
            }
            // "off", as the editor settings take it: not reported at all.
            if level.get_ref().eq_ignore_ascii_case("off") {
                ignore.push(code.clone());
                continue;
            }
            let Some(sev) = Severity::parse(level.get_ref()) else {
                return Err(error_at(
                    Some(level.span()),
                    format!(
                        "unknown severity `{}`: expected \"error\", \"warning\", \"info\" or \"off\"",
                        level.get_ref()
                    ),
                ));
            };
            severity.push((code.clone(), sev));
        }
        // More specific patterns win: apply shorter ones first.
        severity.sort_by_key(|(c, _)| c.len());
        let mut values = BTreeMap::new();
        for (k, v) in raw.placeholders.values {
            let text = match v {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => {
                    return Err(error_at(
                        find_key(text, &k),
                        format!("placeholder value `{k}` must be a string, number or boolean"),
                    ));
                }
            };
            values.insert(k, text);
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            root,
            select,
            ignore,
            include,
            exclude,
            exclude_patterns,
            per_file_ignores,
            severity,
            placeholders: raw.placeholders.mode,
            values,
            workflow: raw.workflow_type,
            respect_gitignore: raw.respect_gitignore,
        })
    }

    /// The path of `file` relative to this configuration's folder, with `/` separators;
    /// for a file outside it (a `--config` elsewhere), relative to the current folder,
    /// however the file was named (`tests/a.asl.json` or its absolute path).
    fn relative(&self, file: &Path) -> PathBuf {
        let resolved = crate::files::resolved(file);
        if let (Some(f), Ok(r)) = (&resolved, std::fs::canonicalize(&self.root))
            && let Ok(rel) = f.strip_prefix(&r)
        {
            return rel.to_path_buf();
        }
        let file = strip_dot(file);
        let root = strip_dot(&self.root);
        if let Ok(rel) = file.strip_prefix(&root) {
            return rel.to_path_buf();
        }
        if let Some(f) = &resolved
            && let Some(cwd) = std::env::current_dir()
                .ok()
                .and_then(|d| std::fs::canonicalize(d).ok())
            && let Ok(rel) = f.strip_prefix(&cwd)
        {
            return rel.to_path_buf();
        }
        file
    }

    /// A pattern matches a file by its path from the config's folder or by its name.
    fn matches(&self, set: &GlobSet, file: &Path) -> bool {
        self.matches_from(set, file, false)
    }

    /// [`Config::matches`], or a folder the file is in matches (`"tests"`, `"tests/"`:
    /// everything under `tests`), as for `exclude` and `per-file-ignores`.
    fn matches_within(&self, set: &GlobSet, file: &Path) -> bool {
        self.matches_from(set, file, true)
    }

    /// One relative path (canonicalizing asks the file system) for both questions.
    fn matches_from(&self, set: &GlobSet, file: &Path, folders: bool) -> bool {
        let rel = self.relative(file);
        let by_path = if folders {
            rel.ancestors()
                .filter(|a| !a.as_os_str().is_empty())
                .any(|a| set.is_match(a))
        } else {
            set.is_match(&rel)
        };
        by_path
            || file
                .file_name()
                .is_some_and(|name| set.is_match(Path::new(name)))
    }

    /// Whether a directory walk should lint `file` beyond the default names.
    pub fn is_included(&self, file: &Path) -> bool {
        self.include.as_ref().is_some_and(|s| self.matches(s, file))
    }

    /// Whether `file` (or a folder) is excluded from directory walks.
    pub fn is_excluded(&self, file: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|s| self.matches_within(s, file))
    }

    /// Whether `file`, met by a walk of the folder `top` that was named on the command
    /// line, is excluded. The patterns that exclude `top` itself (or a folder it is in)
    /// do not count: a folder named is linted, whatever `exclude` says of it (`check
    /// legacy` with `exclude = ["legacy/**"]`), but the other patterns still leave
    /// out what they match under it.
    pub fn is_excluded_below(&self, file: &Path, top: &Path) -> bool {
        let Some(set) = self.exclude.as_ref() else {
            return false;
        };
        let rel_top = self.relative(top);
        // (A folder outside this configuration's folder is no path of its patterns.)
        let inside = match (
            crate::files::resolved(top),
            std::fs::canonicalize(&self.root),
        ) {
            (Some(t), Ok(r)) => t.starts_with(r),
            _ => rel_top.is_relative(),
        };
        let naming_top: Vec<usize> = rel_top
            .ancestors()
            .filter(|_| inside)
            .filter(|a| !a.as_os_str().is_empty())
            .chain(top.file_name().map(Path::new))
            .flat_map(|p| set.matches(p))
            .map(|g| self.exclude_patterns[g])
            .collect();
        let rel = self.relative(file);
        // The folders between `top` and `file`, and `file` itself.
        let below: Vec<&Path> = rel
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty() && !rel_top.starts_with(a))
            .collect();
        below
            .into_iter()
            .chain(file.file_name().map(Path::new))
            .flat_map(|p| set.matches(p))
            .any(|g| !naming_top.contains(&self.exclude_patterns[g]))
    }

    /// The configuration file, as shown in messages (`None`: defaults).
    pub fn shown_path(&self) -> Option<String> {
        self.path.as_ref().map(|p| p.display().to_string())
    }

    /// The rule selection and environment for `file`.
    pub fn options_for(&self, file: &Path, overrides: &Overrides) -> (LintOptions, Environment) {
        let select = if overrides.select.is_empty() {
            self.select.clone().unwrap_or_default()
        } else {
            overrides.select.clone()
        };
        let mut ignore = self.ignore.clone();
        ignore.extend(overrides.ignore.iter().cloned());
        for (set, codes) in &self.per_file_ignores {
            if self.matches_within(set, file) {
                ignore.extend(codes.iter().cloned());
            }
        }
        // A `*.json5` file is JSON5 by name: its comments and trailing commas are its
        // format, not slips (ASL003); it is turned into JSON before it is deployed.
        if file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json5"))
        {
            ignore.push("ASL003".into());
        }
        let env = Environment {
            placeholders: self.placeholders,
            values: self.values.clone(),
            base_dir: Some(
                file.parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from(".")),
            ),
            workflow: self.workflow,
            file: Some(file.to_path_buf()),
            only: None,
        };
        (
            LintOptions {
                select,
                ignore,
                skip_fixes: false,
                fix_kinds_only: false,
            },
            env,
        )
    }

    /// Applies `[severity]` overrides.
    pub fn apply_severity(&self, diagnostics: &mut [Diagnostic]) {
        apply_severity_overrides(&self.severity, diagnostics);
    }
}

/// Sets the severity of diagnostics whose code matches a pattern (code, prefix, rule name
/// or `ALL`), as `[severity]` does; later pairs win, so list more specific ones last.
pub fn apply_severity_overrides(overrides: &[(String, Severity)], diagnostics: &mut [Diagnostic]) {
    if overrides.is_empty() {
        return;
    }
    for d in diagnostics {
        for (pattern, sev) in overrides {
            if pattern_matches(pattern, d.code) {
                d.severity = *sev;
            }
        }
    }
}

/// The folder that an `exclude` pattern `folder/**` covers besides what is under it
/// (`legacy/**` covers `legacy`, as the pattern `legacy` does).
fn folder_of(pattern: &str) -> Option<Glob> {
    let folder = pattern.strip_suffix("/**").filter(|f| !f.is_empty())?;
    Glob::new(folder).ok()
}

/// A pattern as written, without what paths never have: a leading `./` and a trailing
/// `/` (`"./tests/"` is the folder `tests`).
fn normal_glob(pattern: &str) -> String {
    let p = pattern.strip_prefix("./").unwrap_or(pattern);
    let p = p.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(p);
    p.to_string()
}

fn strip_dot(p: &Path) -> PathBuf {
    p.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// The span of a table key in the text, for error positions (best effort).
fn find_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    for quoted in [format!("\"{key}\""), format!("'{key}'"), key.to_string()] {
        if let Some(i) = text.find(&quoted) {
            return Some(i..i + quoted.len());
        }
    }
    None
}

/// The configuration file that governs files in `dir`: the first `asl-lint.toml` or
/// `.asl-lint.toml` found in `dir` or a parent (a file or anything else by that name).
pub fn find_file(dir: &Path) -> Option<PathBuf> {
    let start = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    };
    let absolute = std::fs::canonicalize(&start).unwrap_or(start);
    for d in absolute.ancestors() {
        for name in FILE_NAMES {
            // Whatever is there, even a dangling link, a folder or a FIFO: reading it
            // then fails with a message naming it, where skipping it silently linted
            // with the defaults (a shared config linked from elsewhere, moved away).
            let p = d.join(name);
            if std::fs::symlink_metadata(&p).is_ok() {
                return Some(p);
            }
        }
    }
    None
}

/// The environment `check` gives the definition file at `path` (its asl-lint.toml's
/// placeholder values and workflow type), for the commands that read one file
/// (`graph`, `simulate`).
pub fn environment_for(path: &Path) -> Result<Environment, ConfigError> {
    let config = Resolver::new(None)?.for_path(path)?;
    Ok(config.options_for(path, &Overrides::default()).1)
}

/// Finds and caches the configuration of each folder. With an explicit `--config`,
/// that file governs every file.
pub struct Resolver {
    explicit: Option<Arc<Config>>,
    cache: Mutex<HashMap<PathBuf, Arc<Config>>>,
    loaded: Mutex<HashMap<PathBuf, Arc<Config>>>,
}

impl Resolver {
    pub fn new(explicit: Option<&Path>) -> Result<Resolver, ConfigError> {
        let explicit = match explicit {
            Some(p) => Some(Arc::new(Config::load(p)?)),
            None => None,
        };
        Ok(Resolver {
            explicit,
            cache: Mutex::new(HashMap::new()),
            loaded: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration for a file (or folder) at `path`.
    pub fn for_path(&self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(c) = &self.explicit {
            return Ok(c.clone());
        }
        let dir = if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        if let Some(c) = self.cache.lock().expect("config cache").get(&dir) {
            return Ok(c.clone());
        }
        let config = match find_file(&dir) {
            Some(file) => {
                let existing = self
                    .loaded
                    .lock()
                    .expect("config cache")
                    .get(&file)
                    .cloned();
                match existing {
                    Some(c) => c,
                    None => {
                        let c = Arc::new(Config::load(&file)?);
                        self.loaded
                            .lock()
                            .expect("config cache")
                            .insert(file.clone(), c.clone());
                        c
                    }
                }
            }
            None => Arc::new(Config::default_for(Path::new("."))),
        };
        self.cache
            .lock()
            .expect("config cache")
            .insert(dir, config.clone());
        Ok(config)
    }
}

#[cfg(test)]
mod tests;
