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

fn read_at_most(source: impl Read, max: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    source.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large());
    }
    Ok(bytes)
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
/// Terraform `*.tf`).
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

/// Entries of a folder that a directory walk passes over, as linters do: hidden files
/// and folders, `node_modules` and `target` (named on the command line, they are
/// linted).
pub fn walk_skips(name: &str) -> bool {
    name.starts_with('.') && name.len() > 1 || name == "node_modules" || name == "target"
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
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
