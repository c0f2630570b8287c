//! Reading what asl-lint is given to read: definitions, templates and the files they
//! name, inputs, mocks and configuration. Only regular files are read, and only up to
//! [`MAX_BYTES`]: a template whose `DefinitionUri` names `/dev/zero` or a FIFO, or an
//! `--input /dev/zero`, would otherwise fill the memory or block for ever. The error
//! says why, in words meant to follow the file's name.

use std::io::{self, Read};
use std::path::Path;

/// The largest file read: far above any state machine (AWS takes definitions of up to
/// 1 MB, and a state's data is at most 256 KiB), far below what linting it would cost
/// in memory.
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// The bytes of the regular file at `path`, at most [`MAX_BYTES`] of them.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    // Asked before opening: opening a FIFO blocks until something writes to it.
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory",
        ));
    }
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is not a regular file (a device, FIFO or socket)",
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path)?;
    // Sized at once: grown by doubling, a 12 MB file was copied several times over.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text (invalid sequences replaced).
pub fn read_to_string(path: &Path) -> io::Result<String> {
    read(path).map(into_string)
}

/// All of standard input, at most [`MAX_BYTES`].
pub fn read_stdin() -> io::Result<Vec<u8>> {
    read_bounded(io::stdin().lock())
}

/// At most [`MAX_BYTES`] from `source`: an error, not a partial read, beyond.
pub fn read_bounded(source: impl Read) -> io::Result<Vec<u8>> {
    read_at_most(source, MAX_BYTES)
}

fn read_at_most(mut source: impl Read, max: u64) -> io::Result<Vec<u8>> {
    // Grown by doubling as `read_to_end` grows, but never past `max` bytes (then one
    // byte more is asked for on its own): an endless stream (`check - < /dev/zero`)
    // stopped at 512 MiB had grown the buffer to 1 GiB.
    let mut bytes = Vec::new();
    let mut chunk: u64 = 64 * 1024;
    loop {
        let want = chunk.min(max - bytes.len() as u64);
        if want == 0 {
            break;
        }
        bytes.reserve_exact(want as usize);
        let n = (&mut source).take(want).read_to_end(&mut bytes)? as u64;
        if n < want {
            return Ok(bytes);
        }
        chunk = bytes.len() as u64;
    }
    let mut probe = [0u8; 1];
    loop {
        match source.read(&mut probe) {
            Ok(0) => return Ok(bytes),
            Ok(_) => return Err(too_large()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// UTF-8 text of `bytes`, without a copy when they are valid.
pub fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("is larger than {} MiB", MAX_BYTES / (1024 * 1024)),
    )
}

/// True for names the directory walk lints: definitions (`*.asl.json`, `*.asl.yaml`,
/// `*.asl.yml`) and the templates that usually hold them (SAM/CloudFormation
/// `template.{yaml,yml,json}`, CDK `*.template.json`, `serverless.{yml,yaml}`, and
/// Terraform `*.tf`, `*.tf.json` and OpenTofu `*.tofu`).
pub fn is_definition_file(path: &Path) -> bool {
    // A name that is not UTF-8 (`bad\xff.asl.json`) still ends as it ends.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default()
        .to_ascii_lowercase();
    name.ends_with(".asl.json")
        || name.ends_with(".asl.yaml")
        || name.ends_with(".asl.yml")
        || matches!(
            name.as_str(),
            "template.yaml"
                | "template.yml"
                | "template.json"
                | "serverless.yml"
                | "serverless.yaml"
        )
        || name.ends_with(".template.json")
        || crate::embed::terraform::is_terraform_path(&name)
}

/// True for the template names a directory walk takes ([`is_definition_file`]) that are
/// not definition files: they are linted because they *may* hold state machines.
pub fn is_template_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    is_definition_file(path)
        && !(name.ends_with(".asl.json")
            || name.ends_with(".asl.yaml")
            || name.ends_with(".asl.yml"))
}

/// `file` as an absolute path with symbolic links resolved, also when it is not on disk
/// (the name `--stdin-filename` gives an unsaved buffer): its nearest existing folder
/// resolved, the rest of its path added as written.
pub fn resolved(file: &Path) -> Option<std::path::PathBuf> {
    if let Ok(c) = std::fs::canonicalize(file) {
        return Some(c);
    }
    let absolute = std::env::current_dir().ok()?.join(file);
    let mut lexical = std::path::PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            std::path::Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut existing = lexical.as_path();
    loop {
        if let Ok(mut c) = std::fs::canonicalize(existing) {
            c.extend(rest.iter().rev());
            return Some(c);
        }
        rest.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
    }
}

/// A canonical path as the user would write it: relative to the current folder where
/// it is under it.
pub fn shown_from_cwd(path: &Path) -> String {
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
    cwd.as_ref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The folder that bounds what a template in `dir` may make asl-lint read (and print in
/// a diagnostic, or fix): the top of the Git work tree that holds `dir`, or else
/// `dir` itself (the current folder is allowed too, see [`in_project`]).
pub fn project_top(dir: &Path) -> std::path::PathBuf {
    let dir = resolved(dir).unwrap_or_else(|| dir.to_path_buf());
    work_tree_root(&dir).unwrap_or(&dir).to_path_buf()
}

/// The top of the Git work tree that holds folder `dir` (the nearest folder at or above
/// it with a `.git` entry: a folder, or a file for a linked work tree or submodule).
fn work_tree_root(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|a| a.join(".git").exists())
}

/// Whether `target`, an existing file that a template in `dir` names, lies in the
/// template's project ([`project_top`]) or, outside a Git work tree, under the current
/// folder. A template (a pull request's `main.tf`, say) may not make asl-lint print
/// `/etc/shadow` or `~/.aws/credentials` in its diagnostics, nor fix a file elsewhere.
pub fn in_project(dir: &Path, target: &Path) -> bool {
    let Ok(target) = std::fs::canonicalize(target) else {
        return false;
    };
    let top = project_top(dir);
    target.starts_with(&top)
        || (!top.join(".git").exists()
            && std::env::current_dir()
                .and_then(std::fs::canonicalize)
                .is_ok_and(|cwd| target.starts_with(cwd)))
}

/// Entries of a folder that a directory walk passes over, as linters do: hidden files
/// and folders, `node_modules` and `target` (named on the command line, they are
/// linted).
pub fn walk_skips(name: &str) -> bool {
    name.starts_with('.') && name.len() > 1 || name == "node_modules" || name == "target"
}

/// The ignore files a directory walk obeys inside a Git work tree, as `git status`
/// obeys them: the global excludes file (`core.excludesFile`), the repository's
/// `info/exclude`, and each folder's `.gitignore`, the innermost that matches deciding
/// (`!pattern` re-includes). Outside a work tree nothing is ignored, as Git ignores
/// nothing there; a work tree met during a walk (a project folder under the one named,
/// a nested repository) brings its own rules. Generated output (`cdk.out/`,
/// `.aws-sam/build/`) is gitignored in most projects, so a walk does not lint copies
/// of the definitions. (`Default`: a walk that ignores nothing.)
#[derive(Default)]
pub struct GitIgnores {
    /// Outermost first.
    levels: Vec<ignore::gitignore::Gitignore>,
    /// False: Git's rules are not wanted (`--no-respect-gitignore`).
    enabled: bool,
}

/// What [`GitIgnores::enter`] did, for [`GitIgnores::leave`] to undo.
pub enum Entered {
    Nothing,
    /// The folder's `.gitignore` was added.
    Pushed,
    /// The folder is the root of a work tree: these rules of the folders around it
    /// come back when the walk leaves it.
    Repository(Vec<ignore::gitignore::Gitignore>),
}

impl GitIgnores {
    /// The rules in force in folder `dir`, where a walk starts: those of the work tree
    /// around it and every `.gitignore` from the work tree's root down to `dir`.
    pub fn at(dir: &Path) -> GitIgnores {
        let mut this = GitIgnores {
            levels: Vec::new(),
            enabled: true,
        };
        let Ok(dir) = std::path::absolute(dir) else {
            return this;
        };
        let Some(root) = work_tree_root(&dir) else {
            return this;
        };
        this.levels = repository_rules(root);
        let mut chain: Vec<&Path> = dir.ancestors().take_while(|a| *a != root).collect();
        chain.reverse();
        for folder in chain {
            this.push_gitignore(folder);
        }
        this
    }

    /// Enters a folder of the walk: its `.gitignore` counts until the matching
    /// [`GitIgnores::leave`]; a work tree's root replaces the rules around it.
    pub fn enter(&mut self, dir: &Path) -> Entered {
        if !self.enabled {
            return Entered::Nothing;
        }
        if dir.join(".git").exists() {
            let Ok(root) = std::path::absolute(dir) else {
                return Entered::Nothing;
            };
            return Entered::Repository(std::mem::replace(
                &mut self.levels,
                repository_rules(&root),
            ));
        }
        if self.levels.is_empty() || !self.push_gitignore(dir) {
            return Entered::Nothing;
        }
        Entered::Pushed
    }

    /// Leaves the folder [`GitIgnores::enter`] entered.
    pub fn leave(&mut self, entered: Entered) {
        match entered {
            Entered::Nothing => {}
            Entered::Pushed => {
                self.levels.pop();
            }
            Entered::Repository(outer) => self.levels = outer,
        }
    }

    /// Adds `dir`'s `.gitignore`, when it has one.
    fn push_gitignore(&mut self, dir: &Path) -> bool {
        let file = dir.join(".gitignore");
        if !file.is_file() {
            return false;
        }
        let Ok(file) = std::path::absolute(file) else {
            return false;
        };
        self.levels.push(ignore::gitignore::Gitignore::new(file).0);
        true
    }

    /// True when the walk passes over `path` (a file, or a folder and all under it).
    pub fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        if self.levels.is_empty() {
            return false;
        }
        let Ok(path) = std::path::absolute(path) else {
            return false;
        };
        for level in self.levels.iter().rev() {
            match level.matched(&path, is_dir) {
                ignore::Match::Ignore(_) => return true,
                ignore::Match::Whitelist(_) => return false,
                ignore::Match::None => {}
            }
        }
        false
    }
}

/// The rules of the work tree whose root is `root` (absolute): the global excludes
/// file, the repository's `info/exclude` (in the shared repository of a linked work
/// tree or submodule, whose `.git` is a file naming it) and `root`'s `.gitignore`.
fn repository_rules(root: &Path) -> Vec<ignore::gitignore::Gitignore> {
    use ignore::gitignore::{Gitignore, GitignoreBuilder};
    let dot_git = root.join(".git");
    let git_dir = if dot_git.is_dir() {
        Some(dot_git)
    } else {
        std::fs::read_to_string(&dot_git).ok().and_then(|text| {
            let named = text.trim().strip_prefix("gitdir:")?.trim().to_string();
            Some(root.join(named))
        })
    };
    // A linked work tree's git dir names the shared one in `commondir`.
    let common = git_dir.map(|g| match std::fs::read_to_string(g.join("commondir")) {
        Ok(c) => g.join(c.trim()),
        Err(_) => g,
    });
    let mut levels = vec![GitignoreBuilder::new(root).build_global().0];
    if let Some(common) = common {
        let mut exclude = GitignoreBuilder::new(root);
        exclude.add(common.join("info").join("exclude"));
        if let Ok(g) = exclude.build() {
            levels.push(g);
        }
    }
    let file = root.join(".gitignore");
    if file.is_file() {
        levels.push(Gitignore::new(file).0);
    }
    levels
}

/// The folder that CI services resolve report paths from: `GITHUB_WORKSPACE` (GitHub
/// Actions), `CI_PROJECT_DIR` (GitLab CI), else the root of the Git work tree around
/// the current folder. `None` outside any of them.
pub fn repository_root() -> Option<&'static std::path::Path> {
    static ROOT: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let from_env = ["GITHUB_WORKSPACE", "CI_PROJECT_DIR"]
            .iter()
            .filter_map(std::env::var_os)
            .find(|v| !v.is_empty())
            .map(std::path::PathBuf::from);
        let root = from_env.or_else(|| {
            let cwd = std::env::current_dir().ok()?;
            cwd.ancestors()
                .find(|dir| dir.join(".git").exists())
                .map(std::path::Path::to_path_buf)
        })?;
        std::fs::canonicalize(root).ok()
    })
    .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_of_bounded_size() {
        let dir = std::env::temp_dir().join(format!("asl-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.json");
        std::fs::write(&f, "{}").unwrap();
        assert_eq!(read(&f).unwrap(), b"{}");
        assert_eq!(read(&dir).unwrap_err().to_string(), "is a directory");
        if Path::new("/dev/zero").exists() {
            assert_eq!(
                read(Path::new("/dev/zero")).unwrap_err().to_string(),
                "is not a regular file (a device, FIFO or socket)"
            );
        }
        // A stream (standard input) is cut off, not read to its end.
        assert_eq!(read_at_most(&b"0123456789"[..], 10).unwrap().len(), 10);
        assert_eq!(
            read_at_most(io::repeat(b'a'), 10).unwrap_err().to_string(),
            "is larger than 512 MiB"
        );
        // Read in growing chunks: all of a stream longer than the first chunk, and never
        // a buffer larger than the limit allows.
        let long: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        assert_eq!(read_at_most(&long[..], 300_000).unwrap(), long);
        assert_eq!(read_at_most(&long[..], 200_000).unwrap(), long);
        assert!(read_at_most(&long[..], 199_999).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A walk from outside a work tree takes up its rules on entering it; a nested
    /// repository has its own; a linked work tree's `info/exclude` is the shared one.
    #[test]
    fn work_trees_met_during_a_walk_bring_their_rules() {
        let dir = tempfile::tempdir().unwrap();
        let outer = dir.path();
        let repo = outer.join("repo");
        std::fs::create_dir_all(repo.join(".git/info")).unwrap();
        std::fs::write(repo.join(".gitignore"), "cdk.out/\n").unwrap();
        std::fs::write(repo.join(".git/info/exclude"), "scratch/\n").unwrap();
        let mut walk = GitIgnores::at(outer);
        assert!(!walk.ignores(&repo.join("cdk.out"), true));
        let entered = walk.enter(&repo);
        assert!(walk.ignores(&repo.join("cdk.out"), true));
        assert!(walk.ignores(&repo.join("scratch"), true));
        // A nested repository: the outer rules stop at its root, its own apply.
        let inner = repo.join("vendor/lib");
        std::fs::create_dir_all(inner.join(".git/info")).unwrap();
        std::fs::write(inner.join(".git/info/exclude"), "gen/\n").unwrap();
        let nested = walk.enter(&inner);
        assert!(!walk.ignores(&inner.join("cdk.out"), true));
        assert!(walk.ignores(&inner.join("gen"), true));
        walk.leave(nested);
        assert!(walk.ignores(&repo.join("cdk.out"), true));
        walk.leave(entered);
        assert!(!walk.ignores(&outer.join("cdk.out"), true));
        // A linked work tree: `.git` names its git dir, which names the shared one.
        let linked = outer.join("linked");
        std::fs::create_dir_all(repo.join(".git/worktrees/linked")).unwrap();
        std::fs::write(repo.join(".git/worktrees/linked/commondir"), "../..\n").unwrap();
        std::fs::create_dir_all(&linked).unwrap();
        std::fs::write(
            linked.join(".git"),
            format!("gitdir: {}\n", repo.join(".git/worktrees/linked").display()),
        )
        .unwrap();
        assert!(GitIgnores::at(&linked).ignores(&linked.join("scratch"), true));
        // Not wanted: nothing is ignored, work tree or not.
        let mut off = GitIgnores::default();
        let entered = off.enter(&repo);
        assert!(!off.ignores(&repo.join("cdk.out"), true));
        off.leave(entered);
    }

    #[test]
    fn gitignore_files_apply_inside_a_work_tree_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let outside = GitIgnores::at(root);
        std::fs::write(root.join(".gitignore"), "cdk.out/\n*.gen.asl.json\n").unwrap();
        assert!(
            !outside.ignores(&root.join("cdk.out"), true),
            "no work tree yet"
        );
        std::fs::create_dir_all(root.join(".git/info")).unwrap();
        std::fs::write(root.join(".git/info/exclude"), "scratch/\n").unwrap();
        std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
        std::fs::write(
            root.join("sub/.gitignore"),
            "!keep.gen.asl.json\n/local.asl.json\n",
        )
        .unwrap();
        let mut at_root = GitIgnores::at(root);
        assert!(at_root.ignores(&root.join("cdk.out"), true));
        assert!(
            !at_root.ignores(&root.join("cdk.out"), false),
            "a file named cdk.out"
        );
        assert!(at_root.ignores(&root.join("scratch"), true));
        assert!(at_root.ignores(&root.join("a.gen.asl.json"), false));
        assert!(!at_root.ignores(&root.join("a.asl.json"), false));
        // A folder's own file counts inside it, and no longer once the walk leaves it.
        let entered = at_root.enter(&root.join("sub"));
        assert!(at_root.ignores(&root.join("sub/local.asl.json"), false));
        assert!(!at_root.ignores(&root.join("sub/deeper/local.asl.json"), false));
        assert!(!at_root.ignores(&root.join("sub/keep.gen.asl.json"), false));
        assert!(at_root.ignores(&root.join("sub/other.gen.asl.json"), false));
        at_root.leave(entered);
        assert!(!at_root.ignores(&root.join("local.asl.json"), false));
        // A walk that starts in a subfolder obeys the files above it.
        let at_sub = GitIgnores::at(&root.join("sub/deeper"));
        assert!(at_sub.ignores(&root.join("sub/deeper/x.gen.asl.json"), false));
        assert!(!at_sub.ignores(&root.join("sub/deeper/keep.gen.asl.json"), false));
    }
}
