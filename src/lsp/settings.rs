//! The `aslLint` settings section and the `asl-lint.toml` lookup for open documents.
//!
//! Settings arrive in `initializationOptions`, in `workspace/didChangeConfiguration`, or
//! are pulled with `workspace/configuration` (section `aslLint`). They sit on top of
//! the configuration file that governs the document, found by walking up from it with
//! the CLI's resolver ([`crate::config::Resolver`]), as `--select`/`--ignore` do.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::Value;
use tower_lsp_server::ls_types::Uri;

use crate::config::{self, Config, ConfigError, Overrides, Resolver};
use crate::diagnostics::{Diagnostic, Severity};
use crate::lint::{
    Environment, LintOptions, Reference, lint_referenced_text, lint_terraform_text, lint_text_then,
};

use super::documents::Document;

/// The section name in the client's settings.
pub const SECTION: &str = "aslLint";

/// `aslLint.*` as the editor sends it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Replaces the configuration file's `select` when non-empty.
    pub select: Vec<String>,
    /// Added to the configuration file's `ignore`.
    pub ignore: Vec<String>,
    /// Code, prefix or rule name → `error`, `warning`, `info` or `off`; applied after
    /// the file's `[severity]`.
    pub severity: serde_json::Map<String, Value>,
    /// Look for `asl-lint.toml` / `.asl-lint.toml` above each document.
    pub use_config_file: bool,
    /// One configuration file for every document (relative to the workspace root).
    pub config_file: Option<String>,
    /// Settings of the wrong type or value, said to the user (each is left out).
    #[serde(skip)]
    pub problems: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            select: Vec::new(),
            ignore: Vec::new(),
            severity: serde_json::Map::new(),
            use_config_file: true,
            config_file: None,
            problems: Vec::new(),
        }
    }
}

impl Settings {
    /// Reads settings from `{"aslLint": {...}}` or from the section itself. `None` when
    /// the value holds neither (then the caller keeps or pulls the settings).
    pub fn from_value(value: &Value) -> Option<Settings> {
        let section = match value.get(SECTION) {
            Some(v) => v,
            None => {
                let obj = value.as_object()?;
                let known = [
                    "select",
                    "ignore",
                    "severity",
                    "useConfigFile",
                    "configFile",
                ];
                if !obj.keys().any(|k| known.contains(&k.as_str())) {
                    return None;
                }
                value
            }
        };
        if section.is_null() {
            return Some(Settings::default());
        }
        // A wrong type in one field must not throw all settings away: read field by field.
        let mut s = Settings::default();
        let strings = |v: Option<&Value>| -> Vec<String> {
            match v {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                Some(Value::String(x)) => x
                    .split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect(),
                _ => Vec::new(),
            }
        };
        s.select = strings(section.get("select"));
        s.ignore = strings(section.get("ignore"));
        if let Some(Value::Object(m)) = section.get("severity") {
            s.severity = m.clone();
        }
        if let Some(Value::Bool(b)) = section.get("useConfigFile") {
            s.use_config_file = *b;
        }
        s.config_file = section
            .get("configFile")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        // What was left out for its type or value is said, as the CLI refuses it.
        let present = |key: &str| section.get(key).filter(|v| !v.is_null());
        let wrong = |key: &str, ok: fn(&Value) -> bool, wanted: &str| {
            present(key)
                .filter(|v| !ok(v))
                .map(|v| format!("aslLint.{key} must be {wanted}, not {v}"))
        };
        let list = |v: &Value| match v {
            Value::String(_) => true,
            Value::Array(items) => items.iter().all(Value::is_string),
            _ => false,
        };
        s.problems.extend(
            [
                wrong("select", list, "a list of rule codes"),
                wrong("ignore", list, "a list of rule codes"),
                wrong(
                    "severity",
                    Value::is_object,
                    "an object of rule codes and levels",
                ),
                wrong("useConfigFile", Value::is_boolean, "true or false"),
                wrong("configFile", Value::is_string, "a path"),
            ]
            .into_iter()
            .flatten(),
        );
        for (code, level) in &s.severity {
            let known = level.as_str().is_some_and(|l| {
                matches!(l.to_ascii_lowercase().as_str(), "off" | "none" | "ignore")
                    || Severity::parse(&l.to_ascii_lowercase()).is_some()
            });
            if !known {
                s.problems.push(format!(
                    "aslLint.severity.{code} must be \"error\", \"warning\", \"info\" or \"off\", not {level}"
                ));
            }
        }
        Some(s)
    }

    /// Severity overrides in the order they apply (shorter, less specific patterns
    /// first), and the patterns turned `off`.
    fn severities(&self) -> (Vec<(String, Severity)>, Vec<String>) {
        let mut levels = Vec::new();
        let mut off = Vec::new();
        for (pattern, level) in &self.severity {
            match level.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("off" | "none" | "ignore") => off.push(pattern.clone()),
                Some(l) => {
                    if let Some(sev) = Severity::parse(l) {
                        levels.push((pattern.clone(), sev));
                    }
                }
                None => {}
            }
        }
        levels.sort_by_key(|(p, _)| p.len());
        (levels, off)
    }
}

/// The settings in force and the configuration files they lead to.
pub struct Workspace {
    settings: Mutex<Arc<Settings>>,
    /// The settings the client gave in `initializationOptions`: in force while the
    /// client's own configuration has no `aslLint` section (it answers `null` or `{}`).
    initial: Mutex<Arc<Settings>>,
    /// The workspace folders, the first one first. A relative `configFile` path starts
    /// from the folder of the document (the first folder for one in none of them).
    folders: Mutex<Vec<PathBuf>>,
    /// Per `configFile` (resolved), or without one; rebuilt whenever settings or
    /// configuration files change (each caches per folder).
    resolvers: Mutex<HashMap<Option<PathBuf>, Arc<Resolver>>>,
    /// The local definition files that templates name (`DefinitionUri`, `templatefile`),
    /// per template, each with its canonical path: such a file is linted with its
    /// template's substitutions and workflow type, as `asl-lint check` lints it.
    referenced: Mutex<std::collections::HashMap<Uri, Vec<(PathBuf, Reference)>>>,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace {
            settings: Mutex::new(Arc::new(Settings::default())),
            initial: Mutex::new(Arc::new(Settings::default())),
            folders: Mutex::new(Vec::new()),
            resolvers: Mutex::new(HashMap::new()),
            referenced: Mutex::new(std::collections::HashMap::new()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Workspace {
    /// Records the files that the template at `template` names (replacing what it named
    /// before); returns the canonical paths whose references changed, whose open
    /// documents must be linted again.
    pub fn set_references(&self, template: &Uri, references: &[Reference]) -> Vec<PathBuf> {
        // Nearly every lint is of a document that names no file and never did: no
        // lookup of its path on disk for each edit.
        if references.is_empty() && !lock(&self.referenced).contains_key(template) {
            return Vec::new();
        }
        let own = template
            .to_file_path()
            .and_then(|p| std::fs::canonicalize(p).ok());
        // A template the workspace scan passes over (a build copy) names nothing, even
        // when it is opened: `check .` does not lint it either.
        // (Looked up only when it names something: a template that names nothing
        // any more needs no walk up its folders.)
        let passed_over = !references.is_empty()
            && match (&own, self.root()) {
                (Some(path), Some(root)) => crate::embed::owners::passes_over(&root, path),
                _ => false,
            };
        let references = if passed_over { &[][..] } else { references };
        let new: Vec<(PathBuf, Reference)> = references
            .iter()
            .filter_map(|r| {
                let key = std::fs::canonicalize(&r.path).ok()?;
                // A template naming itself stays a template.
                (own.as_ref() != Some(&key)).then(|| (key, r.clone()))
            })
            .collect();
        let mut all = lock(&self.referenced);
        let old = all.remove(template).unwrap_or_default();
        let mut changed: Vec<PathBuf> = Vec::new();
        let paths = old.iter().chain(&new).map(|(p, _)| p);
        for path in paths {
            let before: Vec<&Reference> = old
                .iter()
                .filter(|(p, _)| p == path)
                .map(|(_, r)| r)
                .collect();
            let after: Vec<&Reference> = new
                .iter()
                .filter(|(p, _)| p == path)
                .map(|(_, r)| r)
                .collect();
            if before != after && !changed.contains(path) {
                changed.push(path.clone());
            }
        }
        if !new.is_empty() {
            all.insert(template.clone(), new);
        }
        changed
    }

    /// Whether a Terraform `templatefile` renders the file at `path`: text written into
    /// it must escape `${` and `%{` (`$${`, `%%{`).
    pub fn rendered_by_terraform(&self, path: &Path) -> bool {
        self.references_to(path)
            .iter()
            .any(|r| r.filling.is_terraform_template())
    }

    /// The references of the templates that name the file at `path`, templates in URI
    /// order; none for a file no known template names.
    pub fn references_to(&self, path: &Path) -> Vec<Reference> {
        let all = lock(&self.referenced);
        if all.is_empty() {
            return Vec::new();
        }
        let Ok(key) = std::fs::canonicalize(path) else {
            return Vec::new();
        };
        let mut templates: Vec<&Uri> = all.keys().collect();
        templates.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        let mut out: Vec<Reference> = Vec::new();
        for t in templates {
            for (p, r) in &all[t] {
                if *p == key && !out.contains(r) {
                    out.push(r.clone());
                }
            }
        }
        out
    }

    /// The templates that name the file at `path`, each with the reference it makes
    /// (one per state machine), in the order of their URIs.
    pub fn templates_naming(&self, path: &Path) -> Vec<(Uri, Reference)> {
        let all = lock(&self.referenced);
        if all.is_empty() {
            return Vec::new();
        }
        let Ok(key) = std::fs::canonicalize(path) else {
            return Vec::new();
        };
        let mut out: Vec<(Uri, Reference)> = all
            .iter()
            .flat_map(|(t, refs)| {
                refs.iter()
                    .filter(|(p, _)| *p == key)
                    .map(|(_, r)| (t.clone(), r.clone()))
            })
            .collect();
        out.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        out
    }

    /// The (first) workspace folder, when the client named one.
    pub fn root(&self) -> Option<PathBuf> {
        lock(&self.folders).first().cloned()
    }

    pub fn set_folders(&self, folders: Vec<PathBuf>) {
        *lock(&self.folders) = folders;
        self.forget_config_files();
    }

    /// The workspace folder of the file at `path`: the innermost that holds it, else
    /// the first.
    fn folder_of(&self, path: Option<&Path>) -> Option<PathBuf> {
        let folders = lock(&self.folders);
        path.and_then(|path| {
            folders
                .iter()
                .filter(|f| path.starts_with(f))
                .max_by_key(|f| f.components().count())
        })
        .or(folders.first())
        .cloned()
    }

    /// Replaces the settings; true when they changed.
    /// Sets the settings of `initializationOptions`, in force until the client's
    /// configuration gives others.
    pub fn set_initial(&self, settings: Settings) -> bool {
        *lock(&self.initial) = Arc::new(settings.clone());
        self.set(settings)
    }

    /// The settings of `initializationOptions` (the defaults without them).
    pub fn initial(&self) -> Settings {
        (**lock(&self.initial)).clone()
    }

    pub fn set(&self, settings: Settings) -> bool {
        let mut current = lock(&self.settings);
        if **current == settings {
            return false;
        }
        *current = Arc::new(settings);
        drop(current);
        self.forget_config_files();
        true
    }

    pub fn settings(&self) -> Arc<Settings> {
        lock(&self.settings).clone()
    }

    /// Drops cached configuration files (one changed on disk).
    pub fn forget_config_files(&self) {
        lock(&self.resolvers).clear();
    }

    /// The resolver of configuration files for the file at `path`.
    fn resolver(&self, settings: &Settings, path: &Path) -> Result<Arc<Resolver>, ConfigError> {
        let explicit = settings.config_file.as_ref().map(|f| {
            let p = PathBuf::from(f);
            match self.folder_of(Some(path)) {
                Some(folder) if p.is_relative() => folder.join(p),
                _ => p,
            }
        });
        let mut resolvers = lock(&self.resolvers);
        if let Some(r) = resolvers.get(&explicit) {
            return Ok(r.clone());
        }
        let r = Arc::new(Resolver::new(explicit.as_deref())?);
        resolvers.insert(explicit, r.clone());
        Ok(r)
    }

    /// What linting `uri` needs: the rule selection, the environment, the configuration
    /// (for `[severity]`) and the editor settings. A broken configuration file is
    /// reported and the document is linted without it.
    pub fn lint_setup(&self, uri: &Uri) -> (Setup, Option<ConfigError>) {
        let settings = self.settings();
        let path: Option<PathBuf> = uri.to_file_path().map(|p| p.into_owned());
        // An entry that names no rule is told below and left out, as the message says.
        // Kept, it would select nothing: a `select` of only such entries (a typo) would
        // turn every rule off instead of leaving `select` empty, which means all rules.
        let overrides = Overrides {
            select: settings
                .select
                .iter()
                .filter(|c| crate::config::is_known_pattern(c.trim()))
                .cloned()
                .collect(),
            ignore: settings.ignore.clone(),
        };
        let mut error = None;
        let wants_file = settings.use_config_file || settings.config_file.is_some();
        let config: Arc<Config> = match (&path, wants_file) {
            (Some(p), true) => match self.resolver(&settings, p).and_then(|r| r.for_path(p)) {
                Ok(c) => c,
                Err(e) => {
                    error = Some(e);
                    Arc::new(Config::default_for(Path::new(".")))
                }
            },
            _ => Arc::new(Config::default_for(Path::new("."))),
        };
        if error.is_none()
            && let Some(problem) = settings.problems.first()
        {
            error = Some(ConfigError {
                path: PathBuf::from("settings"),
                line: None,
                message: problem.clone(),
            });
        }
        // A code in the settings that names no rule would silently do nothing.
        if error.is_none() {
            let lists = [("select", &settings.select), ("ignore", &settings.ignore)];
            let unknown = lists
                .iter()
                .flat_map(|(what, codes)| codes.iter().map(move |c| (*what, c.as_str())))
                .chain(settings.severity.keys().map(|c| ("severity", c.as_str())))
                .find(|(_, code)| !crate::config::is_known_pattern(code.trim()));
            if let Some((what, code)) = unknown {
                error = Some(ConfigError {
                    path: PathBuf::from("settings"),
                    line: None,
                    message: format!(
                        "`{code}` in aslLint.{what} matches no rule code, prefix or name"
                    ),
                });
            }
        }
        let (mut options, env) = match &path {
            Some(p) => config.options_for(p, &overrides),
            None => (
                LintOptions {
                    select: overrides.select.clone(),
                    ignore: overrides.ignore.clone(),
                    skip_fixes: false,
                    fix_kinds_only: false,
                },
                Environment::default(),
            ),
        };
        let (severity, off) = settings.severities();
        options.ignore.extend(off);
        let referenced_by = path
            .as_deref()
            .map(|p| self.references_to(p))
            .unwrap_or_default();
        // Any other JSON or YAML file a client opens (`package.json`, a workflow of
        // GitHub's: a client may attach the server to every such file) is judged as a
        // template name is, by its content: no finding unless it may hold a state machine.
        let asl_name = |p: &std::path::Path| {
            let name = p.to_string_lossy().to_ascii_lowercase();
            [".asl.json", ".asl.yaml", ".asl.yml"]
                .iter()
                .any(|e| name.ends_with(e))
        };
        let template_name = path.as_deref().is_some_and(|p| {
            crate::files::is_template_name(p) || !asl_name(p) && referenced_by.is_empty()
        });
        (
            Setup {
                options,
                env,
                config,
                severity,
                referenced_by,
                template_name,
            },
            error,
        )
    }
}

/// Everything one lint of one document needs (cheap to move to a worker thread).
pub struct Setup {
    pub options: LintOptions,
    pub env: Environment,
    config: Arc<Config>,
    severity: Vec<(String, Severity)>,
    /// The references of the templates that name this file: linted with theirs.
    referenced_by: Vec<Reference>,
    /// Named as a template (`template.yaml`, `serverless.yml`, ...), or not named as a
    /// definition (`*.asl.json`, ...) nor named by a template: linted only when it may
    /// hold a state machine ([`crate::lint::lint_template_named_then`]).
    template_name: bool,
}

impl Setup {
    /// The document's definition as deployed, to draw it: with the substitutions of the
    /// templates that name it (when they all give the same), else with its asl-lint.toml's
    /// placeholder values. `None`: as written (a template, templates that differ,
    /// nothing to fill).
    pub fn deployed_text(&self, doc: &Document) -> Option<String> {
        if doc.terraform || self.template_name {
            return None;
        }
        let filled = match self.referenced_by.as_slice() {
            [r, rest @ ..] if rest.iter().all(|o| o.substitutions == r.substitutions) => {
                crate::embed::filled_in(&doc.text, doc.kind, &r.substitutions, None)
            }
            [] => crate::embed::filled_with_values(&doc.text, doc.kind, &self.env, None),
            _ => Ok(None),
        };
        filled.ok().flatten()
    }

    /// Lints the document and applies the severity overrides (file first, then editor).
    pub fn lint(&self, doc: &Document) -> Vec<Diagnostic> {
        self.lint_then(doc, |found, _| found)
    }

    /// [`Setup::lint`] that calls `done` with the diagnostics, and the local files a
    /// template names, before the analysis frees its syntax tree.
    /// A Terraform document is linted as `asl-lint check` lints a `.tf` file; a file
    /// that open templates name, with their substitutions and workflow types.
    pub fn lint_then<R>(
        &self,
        doc: &Document,
        done: impl FnOnce(Vec<Diagnostic>, Vec<Reference>) -> R,
    ) -> R {
        let finish = |mut found: Vec<Diagnostic>, references: Vec<Reference>| {
            self.config.apply_severity(&mut found);
            config::apply_severity_overrides(&self.severity, &mut found);
            done(found, references)
        };
        if doc.terraform {
            let (found, references) = lint_terraform_text(&doc.text, &self.options, &self.env);
            return finish(found, references);
        }
        if self.template_name {
            return crate::lint::lint_template_named_then(
                &doc.text,
                doc.kind,
                &self.options,
                &self.env,
                finish,
            );
        }
        if !self.referenced_by.is_empty() {
            let found = lint_referenced_text(
                &doc.text,
                doc.kind,
                &self.referenced_by,
                &self.options,
                &self.env,
            );
            return finish(found, Vec::new());
        }
        lint_text_then(&doc.text, doc.kind, &self.options, &self.env, finish)
    }
}

/// True for the configuration file names the server watches.
pub fn is_config_file(uri: &Uri) -> bool {
    let s = uri.as_str();
    config::FILE_NAMES
        .iter()
        .any(|name| s.ends_with(&format!("/{name}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A file that a Terraform `templatefile` names is rendered by Terraform; one a SAM
    /// template names is not.
    #[test]
    fn files_rendered_by_terraform() {
        let dir = tempfile::tempdir().unwrap();
        let def = dir.path().join("def.asl.json");
        std::fs::write(&def, "{}").unwrap();
        let workspace = Workspace::default();
        let reference = |filling| Reference {
            name: "m".into(),
            path: def.clone(),
            substitutions: Default::default(),
            workflow: Default::default(),
            filling,
            yaml_1_1: false,
            template: None,
        };
        let tf = Uri::from_file_path(dir.path().join("main.tf")).unwrap();
        let sam = Uri::from_file_path(dir.path().join("template.yaml")).unwrap();
        workspace.set_references(&sam, &[reference(crate::embed::Filling::Substitutions)]);
        assert!(!workspace.rendered_by_terraform(&def));
        workspace.set_references(&tf, &[reference(crate::embed::Filling::TerraformTemplate)]);
        assert!(workspace.rendered_by_terraform(&def));
    }

    #[test]
    fn wrong_types_and_levels_are_problems() {
        let s = Settings::from_value(&serde_json::json!({"aslLint": {
            "ignore": ["ASL2", 3], "useConfigFile": "yes",
            "severity": {"ASL2": "bogus", "ASL7": "Warning", "ASL8": "off"}}}))
        .unwrap();
        assert_eq!(
            s.problems,
            [
                "aslLint.ignore must be a list of rule codes, not [\"ASL2\",3]",
                "aslLint.useConfigFile must be true or false, not \"yes\"",
                "aslLint.severity.ASL2 must be \"error\", \"warning\", \"info\" or \"off\", not \"bogus\"",
            ]
        );
        assert_eq!(s.ignore, ["ASL2"]);
    }

    #[test]
    fn settings_are_read_from_the_section_or_the_object_itself() {
        let s = Settings::from_value(&json!({"aslLint": {
            "select": ["ASL1", "ASL2"], "ignore": "ASL205, ASL7",
            "severity": {"ASL2": "info", "ASL201": "off"},
            "useConfigFile": false, "configFile": " "
        }}))
        .unwrap();
        assert_eq!(s.select, ["ASL1", "ASL2"]);
        assert_eq!(s.ignore, ["ASL205", "ASL7"]);
        assert!(!s.use_config_file);
        assert_eq!(s.config_file, None);
        let (levels, off) = s.severities();
        assert_eq!(levels, [("ASL2".to_string(), Severity::Info)]);
        assert_eq!(off, ["ASL201"]);
        let direct = Settings::from_value(&json!({"configFile": "ci/asl-lint.toml"})).unwrap();
        assert_eq!(direct.config_file.as_deref(), Some("ci/asl-lint.toml"));
        assert!(direct.use_config_file);
        assert_eq!(Settings::from_value(&json!({"other": 1})), None);
        assert_eq!(Settings::from_value(&Value::Null), None);
        // A field of the wrong type is skipped, not fatal.
        let odd = Settings::from_value(&json!({"aslLint": {"select": 3, "ignore": ["X"]}}));
        assert_eq!(odd.unwrap().ignore, ["X"]);
    }
}
