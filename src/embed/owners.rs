//! The templates that deploy definition files, found in the project around them, so
//! that a definition file opened in an editor, or named on its own on the command line
//! (a pre-commit hook passes only the files that changed), is linted as
//! `asl-lint check .` lints it: with its template's substitutions and workflow type.

use std::path::{Path, PathBuf};

use crate::lint::{LintOptions, Reference, lint_bytes};

/// Folder entries the walk looks at, at most: a huge folder opened by mistake (a home
/// directory) costs a bounded walk, not minutes.
const MAX_ENTRIES: usize = 20_000;

/// Folder depth the walk goes to, at most.
const MAX_DEPTH: usize = 8;

/// Templates bigger than this are left out (a generated CDK template can be huge).
const MAX_TEMPLATE_BYTES: u64 = 4 * 1024 * 1024;

/// The templates under `root` that name local definition files, each with the
/// references it makes. Walks as `check` walks a folder (hidden folders,
/// `node_modules`, `target` and what Git ignores skipped, no symbolic links to
/// folders), within bounds.
pub fn scan(root: &Path) -> Vec<(PathBuf, Vec<Reference>)> {
    scan_naming(root, &[], &[], &|_| false)
}

/// [`scan`] restricted to the templates whose text holds one of `names` (file names of
/// definitions, say), the others left unread by the linter (no `names`: every
/// template), and to those `skip` does not refuse. The templates directly in each of
/// the folders `near` (and in the folders between them and `root`) are looked at
/// first: a template beside a definition file, or at the top of the project, is found
/// even when the walk of a huge project stops at its bound.
pub fn scan_naming(
    root: &Path,
    names: &[&str],
    near: &[PathBuf],
    skip: &dyn Fn(&Path) -> bool,
) -> Vec<(PathBuf, Vec<Reference>)> {
    let mut templates = Vec::new();
    // Each folder is listed once, however many of the files are in it (a folder of
    // 20,000 definitions named on the command line listed itself 20,000 times).
    let mut listed = std::collections::HashSet::new();
    for dir in near {
        for folder in dir.ancestors() {
            if !folder.starts_with(root) {
                break;
            }
            // (A folder listed before had its own folders above it listed then too.)
            if !listed.insert(folder) {
                break;
            }
            let Ok(entries) = std::fs::read_dir(folder) else {
                continue;
            };
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| crate::files::is_template_name(p) && p.is_file())
                .collect();
            found.sort();
            templates.extend(found);
        }
    }
    let mut seen = 0;
    let mut ignores = crate::files::GitIgnores::at(root);
    walk(root, 0, &mut seen, &mut ignores, &mut templates);
    let mut once = std::collections::HashSet::new();
    templates.retain(|t| once.insert(t.clone()) && !skip(t));
    templates
        .into_iter()
        .filter_map(|path| {
            let references = references_naming(&path, names);
            (!references.is_empty()).then_some((path, references))
        })
        .collect()
}

/// The references that the templates under `root` make to the files `files` (canonical
/// paths under `root`), each with the index of the file it names and the template that
/// makes it: [`scan_naming`] with the files' names, looking first in their folders.
pub fn references_to(
    root: &Path,
    files: &[PathBuf],
    skip: &dyn Fn(&Path) -> bool,
) -> Vec<(usize, PathBuf, Reference)> {
    let names: Vec<&str> = files
        .iter()
        .filter_map(|f| f.file_name()?.to_str())
        .collect();
    let near: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    // (The first of equal paths, as a search from the start would find.)
    let mut index = std::collections::HashMap::new();
    for (i, f) in files.iter().enumerate() {
        index.entry(f.as_path()).or_insert(i);
    }
    let mut out = Vec::new();
    for (template, references) in scan_naming(root, &names, &near, skip) {
        for reference in references {
            let Ok(key) = std::fs::canonicalize(&reference.path) else {
                continue;
            };
            if let Some(&i) = index.get(key.as_path()) {
                out.push((i, template.clone(), reference));
            }
        }
    }
    out
}

/// The state machines that deploy the definition file at `path` (`*.asl.json`,
/// `*.asl.yaml`, `*.asl.yml`): each template of its project that names it, with the
/// state machine's name there, once. Empty for any other file name.
pub fn deployers_of(path: &Path) -> Vec<(PathBuf, String)> {
    let Some(lower) = path
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_ascii_lowercase)
    else {
        return Vec::new();
    };
    if ![".asl.json", ".asl.yaml", ".asl.yml"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Vec::new();
    }
    let Some(key) = std::fs::canonicalize(path).ok() else {
        return Vec::new();
    };
    let Some(dir) = key.parent() else {
        return Vec::new();
    };
    let top = crate::files::project_top(dir);
    let mut owners: Vec<(PathBuf, String)> = Vec::new();
    for (_, template, r) in references_to(&top, &[key], &|_| false) {
        if !owners.iter().any(|(t, n)| *t == template && *n == r.name) {
            owners.push((template, r.name));
        }
    }
    owners
}

/// Whether [`scan`] of `root` passes over the file at `path`: a hidden, `node_modules`
/// or `target` folder on the way, or what Git ignores. Such a template (the build copy
/// in `.aws-sam/build/`, CDK's `cdk.out/`) names no file for the editor, opened or not.
/// A file outside `root` is not passed over.
pub fn passes_over(root: &Path, path: &Path) -> bool {
    let real = |p: &Path| std::fs::canonicalize(p).or_else(|_| std::path::absolute(p));
    let (Ok(root), Ok(path)) = (real(root), real(path)) else {
        return false;
    };
    let Ok(relative) = path.strip_prefix(&root) else {
        return false;
    };
    let mut ignores = crate::files::GitIgnores::at(&root);
    let mut dir = root.clone();
    let mut names: Vec<_> = relative.components().collect();
    let Some(file) = names.pop() else {
        return false;
    };
    for name in names {
        dir.push(name);
        let text = name.as_os_str().to_string_lossy();
        if crate::files::walk_skips(&text) || ignores.ignores(&dir, true) {
            return true;
        }
        // (What a folder entered brings stays: the walk goes no higher again.)
        let _ = ignores.enter(&dir);
    }
    dir.push(file);
    ignores.ignores(&dir, false)
}

/// The references the template at `path` makes, as saved on disk (none when it cannot
/// be read or names no file).
pub fn references_of(path: &Path) -> Vec<Reference> {
    references_naming(path, &[])
}

/// [`references_of`], none when the template's text holds none of `names` (and
/// `names` is not empty).
fn references_naming(path: &Path, names: &[&str]) -> Vec<Reference> {
    let too_big = std::fs::metadata(path).map_or(true, |m| m.len() > MAX_TEMPLATE_BYTES);
    if too_big {
        return Vec::new();
    }
    let Ok(bytes) = crate::files::read(path) else {
        return Vec::new();
    };
    let finder = |name: &&str| memchr::memmem::find(&bytes, name.as_bytes()).is_some();
    if !names.is_empty() && !names.iter().any(finder) {
        return Vec::new();
    }
    // Only the references are wanted: one cheap rule keeps the lint short.
    let options = LintOptions {
        select: vec!["ASL802".to_string()],
        skip_fixes: true,
        ..LintOptions::default()
    };
    lint_bytes(&bytes, Some(&path.to_string_lossy()), &options).references
}

fn walk(
    dir: &Path,
    depth: usize,
    seen: &mut usize,
    ignores: &mut crate::files::GitIgnores,
    out: &mut Vec<PathBuf>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for entry in entries {
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return;
        }
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(meta) = std::fs::symlink_metadata(&entry) else {
            continue;
        };
        if ignores.ignores(&entry, meta.is_dir()) {
            continue;
        }
        if meta.is_dir() {
            if !crate::files::walk_skips(&name) {
                let entered = ignores.enter(&entry);
                walk(&entry, depth + 1, seen, ignores, out);
                ignores.leave(entered);
            }
        } else if crate::files::is_template_name(&entry) {
            out.push(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_copies_are_passed_over_opened_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".gitignore"), "cdk.out/\n").unwrap();
        for f in [
            ".aws-sam/build/template.yaml",
            "cdk.out/a/template.yaml",
            "app/template.yaml",
        ] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "Resources: {}\n").unwrap();
        }
        assert!(passes_over(
            root,
            &root.join(".aws-sam/build/template.yaml")
        ));
        assert!(passes_over(root, &root.join("cdk.out/a/template.yaml")));
        assert!(!passes_over(root, &root.join("app/template.yaml")));
        let other = tempfile::tempdir().unwrap();
        assert!(!passes_over(root, &other.path().join("template.yaml")));
    }

    #[test]
    fn files_of_one_folder_each_find_the_template_beside_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("sm")).unwrap();
        let def = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
        let mut files = Vec::new();
        let mut template = String::from("Resources:\n");
        for i in 0..5 {
            let file = root.join(format!("sm/f{i}.asl.json"));
            std::fs::write(&file, def).unwrap();
            files.push(file);
            template.push_str(&format!(
                "  M{i}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: f{i}.asl.json\n"
            ));
        }
        std::fs::write(root.join("sm/template.yaml"), template).unwrap();
        let mut found: Vec<(usize, String)> = references_to(&root, &files, &|_| false)
            .into_iter()
            .map(|(i, t, r)| {
                assert_eq!(t, root.join("sm/template.yaml"));
                (i, r.name)
            })
            .collect();
        found.sort();
        let expected: Vec<(usize, String)> = (0..5).map(|i| (i, format!("M{i}"))).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn finds_the_templates_that_name_files_and_skips_hidden_folders() {
        let dir = std::env::temp_dir().join(format!("asl-lint-scan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("app/sm")).unwrap();
        std::fs::create_dir_all(dir.join(".aws-sam/build")).unwrap();
        let def = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
        std::fs::write(dir.join("app/sm/flow.asl.json"), def).unwrap();
        let template = "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.json\n      DefinitionSubstitutions:\n        A: x\n";
        std::fs::write(dir.join("app/template.yaml"), template).unwrap();
        std::fs::write(dir.join(".aws-sam/build/template.yaml"), template).unwrap();
        // Build output Git ignores (in a work tree) is passed over too.
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join(".gitignore"), "cdk.out/\n").unwrap();
        std::fs::create_dir_all(dir.join("cdk.out/sm")).unwrap();
        std::fs::write(dir.join("cdk.out/sm/flow.asl.json"), def).unwrap();
        std::fs::write(dir.join("cdk.out/template.yaml"), template).unwrap();
        // A template with an inline definition names no file.
        std::fs::write(
            dir.join("template.json"),
            r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}}}}}"#,
        )
        .unwrap();
        let found = scan(&dir);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, dir.join("app/template.yaml"));
        assert_eq!(found[0].1.len(), 1);
        assert_eq!(found[0].1[0].name, "Flow");
        assert_eq!(
            std::fs::canonicalize(&found[0].1[0].path).unwrap(),
            std::fs::canonicalize(dir.join("app/sm/flow.asl.json")).unwrap()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
