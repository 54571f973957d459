//! Loading: files → JSON trees, with every externally referenced file loaded too, and
//! `$ref` resolution to any location in any of them. Both OpenAPI 3.0 and 3.1 come out
//! as the same plain JSON tree; lowering reads 3.0 and 3.1 keywords side by side.

mod overlay;
mod pointer;
mod source;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
pub use overlay::apply_overlay;
pub use pointer::{Loc, unescape_segment};
pub(crate) use pointer::{Member, lookup};
use pointer::{overlong_message, overlong_pointer};
pub use source::{Format, Position, SyntaxError, parse};

/// What loading may read: files under `root` only, each at most `max_file_bytes`, YAML
/// aliases across all files together copying at most `max_alias_nodes` nodes, and no
/// node whose keys on the way from the root total more than `max_pointer_bytes`.
/// Documents are untrusted: a `$ref` must not read `/etc/shadow`, `/dev/zero` or a
/// FIFO, nor expand into gigabytes.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The directory `$ref`s may read under; `None`: the entry document's directory.
    pub root: Option<PathBuf>,
    pub max_file_bytes: u64,
    pub max_alias_nodes: usize,
    /// Lowering keeps a node's location as its JSON pointer, and reads many nodes below
    /// one key: a long key over many nodes costs their product in time and memory (a
    /// 0.9 MB document with a 300 KB key took 27 s and 6.5 GB). Real documents stay
    /// under 300 bytes (Stripe's longest is 297).
    pub max_pointer_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            root: None,
            max_file_bytes: 256 * 1024 * 1024,
            max_alias_nodes: 1_000_000,
            max_pointer_bytes: 4096,
        }
    }
}

/// Index into [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(usize);

impl FileId {
    /// The position of the file in load order (the entry document is 0).
    pub fn index(self) -> usize {
        self.0
    }
}

/// What a JSON value is, for messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Every `$ref` string in a tree.
pub(crate) fn references(root: &Value) -> Vec<&str> {
    objects(root)
        .filter_map(|map| map.get("$ref").and_then(Value::as_str))
        .collect()
}

/// Every object in a tree, found without recursion.
pub(crate) fn objects(root: &Value) -> impl Iterator<Item = &serde_json::Map<String, Value>> {
    let mut pending = vec![root];
    std::iter::from_fn(move || {
        while let Some(value) = pending.pop() {
            match value {
                Value::Object(map) => {
                    pending.extend(map.values());
                    return Some(map);
                }
                Value::Array(items) => pending.extend(items),
                _ => {}
            }
        }
        None
    })
}

pub struct SourceFile {
    /// The path as the user (or a `$ref`) spelled it, for messages.
    pub path: PathBuf,
    pub text: String,
    pub format: Format,
    pub root: Value,
}

/// All files of one document: the entry file first, then every file it references.
pub struct Sources {
    files: Vec<SourceFile>,
    by_path: HashMap<PathBuf, FileId>,
    /// Referenced files that could not be read or parsed, with the reason.
    unloadable: HashMap<PathBuf, String>,
    /// Canonical directory that referenced files must lie under.
    root: PathBuf,
    limits: Limits,
    /// Alias nodes still allowed across all files.
    alias_budget: usize,
    /// Where each location followed so far leads: chains are walked once, so following
    /// every link of a long chain stays linear.
    followed: RefCell<HashMap<Loc, Loc>>,
    /// The file each file part of a `$ref` names from each file, or why none is, found
    /// while loading: joining and normalizing paths once per `$ref` was a twentieth of a
    /// Lago run.
    named_files: RefCell<HashMap<(FileId, String), Result<FileId, String>>>,
}

/// A problem found after loading, located by [`Loc`]; turned into a
/// [`Diagnostic`] with line and column by [`Sources::diagnostics`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Problem {
    pub severity: Severity,
    pub loc: Loc,
    pub message: String,
    /// A second place the problem involves (a conflicting definition), shown with its
    /// own position.
    pub related: Option<Loc>,
}

impl Sources {
    /// Loads `entry` and, transitively, every file named by an external `$ref`, within
    /// `limits`. A referenced file that cannot be loaded is reported where it is used.
    pub fn load(entry: &Path, limits: &Limits) -> Result<Sources, Diagnostics> {
        let fail = |message: String| {
            Diagnostics(vec![Diagnostic {
                severity: Severity::Error,
                file: entry.to_path_buf(),
                pointer: String::new(),
                position: None,
                message,
            }])
        };
        let root = match &limits.root {
            Some(root) => root.clone(),
            None => entry
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        let root = root
            .canonicalize()
            .map_err(|e| fail(format!("cannot read the directory {}: {e}", root.display())))?;
        let mut sources = Sources {
            files: Vec::new(),
            by_path: HashMap::new(),
            unloadable: HashMap::new(),
            root,
            alias_budget: limits.max_alias_nodes,
            limits: limits.clone(),
            followed: RefCell::default(),
            named_files: RefCell::default(),
        };
        sources
            .add_file(entry)
            .map_err(|diagnostic| Diagnostics(vec![diagnostic]))?;
        let mut next = 0;
        while next < sources.files.len() {
            let from = FileId(next);
            for (path, file_part) in sources.external_refs(from) {
                let key = normalize(&path);
                let known =
                    sources.by_path.contains_key(&key) || sources.unloadable.contains_key(&key);
                if !known && let Err(reason) = sources.add_referenced(&path) {
                    sources.unloadable.insert(key.clone(), reason);
                }
                let named = sources.file_at(&key);
                sources
                    .named_files
                    .get_mut()
                    .insert((from, file_part), named);
            }
            next += 1;
        }
        Ok(sources)
    }

    /// Loads a file a `$ref` names, if it lies under the root.
    fn add_referenced(&mut self, path: &Path) -> Result<FileId, String> {
        let canonical = path.canonicalize().map_err(|e| e.to_string())?;
        if !canonical.starts_with(&self.root) {
            return Err(
                "it is outside the document's directory, where references may read (a wider root can be allowed)"
                    .to_owned(),
            );
        }
        self.add_file(path).map_err(|diagnostic| {
            let position = diagnostic
                .position
                .map(|p| format!(" at {}:{}", p.line, p.column))
                .unwrap_or_default();
            format!("{}{position}", diagnostic.message)
        })
    }

    fn add_file(&mut self, path: &Path) -> Result<FileId, Diagnostic> {
        let whole_file = |message: String, position| Diagnostic {
            severity: Severity::Error,
            file: path.to_path_buf(),
            pointer: String::new(),
            position,
            message,
        };
        let text =
            read_regular_file(path, self.limits.max_file_bytes).map_err(|e| whole_file(e, None))?;
        let format = Format::from_path(path);
        let root = source::parse_limited(&text, format, &mut self.alias_budget)
            .map_err(|e| whole_file(format!("not valid {format}: {}", e.message), e.position))?;
        let id = FileId(self.files.len());
        if let Some(loc) = overlong_pointer(&root, id, self.limits.max_pointer_bytes) {
            let position = source::locate(&text, format, &[&loc.pointer]).remove(&loc.pointer);
            return Err(Diagnostic {
                position,
                pointer: loc.pointer,
                ..whole_file(overlong_message(self.limits.max_pointer_bytes), None)
            });
        }
        self.by_path.insert(normalize(path), id);
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text,
            format,
            root,
        });
        Ok(id)
    }

    /// The entry document's first node beyond [`Limits::max_pointer_bytes`], as an
    /// error: for after an overlay, whose values, set below the document's keys, may
    /// reach deeper than either file did.
    pub fn overlong_in_entry(&self) -> Option<Problem> {
        let max_bytes = self.limits.max_pointer_bytes;
        let loc = overlong_pointer(&self.files[0].root, FileId(0), max_bytes)?;
        Some(Problem {
            severity: Severity::Error,
            loc,
            message: overlong_message(max_bytes),
            related: None,
        })
    }

    /// The file parts of the `$ref`s in `file` that point into other files, each with
    /// its path, in path order.
    fn external_refs(&self, file: FileId) -> Vec<(PathBuf, String)> {
        let mut found: Vec<(PathBuf, String)> = references(&self.files[file.0].root)
            .into_iter()
            .filter_map(|reference| {
                let file_part = reference.split('#').next().unwrap_or_default();
                (!file_part.is_empty())
                    .then(|| (self.joined(file, file_part), file_part.to_owned()))
            })
            .collect();
        found.sort();
        found.dedup();
        found
    }

    /// `file_part` (a `$ref`'s, not empty) as a path from `from`'s directory.
    fn joined(&self, from: FileId, file_part: &str) -> PathBuf {
        let base = self.files[from.0].path.parent().unwrap_or(Path::new(""));
        base.join(percent_decode(file_part))
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// Every loaded file.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i), f))
    }

    /// The path a file was loaded from.
    pub fn path_of(&self, id: FileId) -> PathBuf {
        self.files[id.0].path.clone()
    }

    /// The entry file's tree, for overlays applied before lowering.
    pub fn entry_root_mut(&mut self) -> &mut Value {
        self.followed.get_mut().clear();
        &mut self.files[0].root
    }

    pub fn entry(&self) -> Loc {
        Loc {
            file: FileId(0),
            pointer: String::new(),
        }
    }

    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        lookup(&self.files[loc.file.0].root, &loc.pointer)
    }

    /// Where `reference` (the value of a `$ref` found in `from`'s file) points.
    pub fn resolve(&self, from: &Loc, reference: &str) -> Result<Loc, String> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let file = if file_part.is_empty() {
            from.file
        } else {
            self.named_file(from.file, file_part)
                .map_err(|reason| format!("`$ref` {reference:?} cannot be loaded: {reason}"))?
        };
        let pointer = percent_decode(fragment);
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(format!(
                "`$ref` {reference:?}: only JSON-pointer fragments (`#/...`) are supported"
            ));
        }
        let target = Loc { file, pointer };
        if self.get(&target).is_none() {
            return Err(format!("`$ref` {reference:?} points to nothing"));
        }
        Ok(target)
    }

    /// The loaded file that `file_part` (of a `$ref` in `from`) names, or why there is none.
    fn named_file(&self, from: FileId, file_part: &str) -> Result<FileId, String> {
        let key = (from, file_part.to_owned());
        if let Some(known) = self.named_files.borrow().get(&key) {
            return known.clone();
        }
        let named = self.file_at(&normalize(&self.joined(from, file_part)));
        self.named_files.borrow_mut().insert(key, named.clone());
        named
    }

    /// The file loaded from `path` (normalized), or why none was.
    fn file_at(&self, path: &Path) -> Result<FileId, String> {
        match self.by_path.get(path) {
            Some(file) => Ok(*file),
            None => Err(self
                .unloadable
                .get(path)
                .map_or("not loaded", String::as_str)
                .to_owned()),
        }
    }

    /// Follows `$ref` chains from `loc` to the location that holds the content. Chains
    /// may be long; only a chain that comes back to a location it passed is an error.
    pub fn follow(&self, loc: &Loc) -> Result<Loc, String> {
        let mut current = loc.clone();
        let mut passed: Vec<Loc> = Vec::new();
        let mut seen: HashSet<Loc> = HashSet::new();
        loop {
            if let Some(end) = self.followed.borrow().get(&current) {
                current = end.clone();
                break;
            }
            let Some(reference) = self
                .get(&current)
                .and_then(|v| v.get("$ref"))
                .and_then(Value::as_str)
            else {
                break;
            };
            if !seen.insert(current.clone()) {
                return Err("`$ref` chain does not end (a cycle of references)".to_owned());
            }
            let next = self.resolve(&current, reference)?;
            passed.push(std::mem::replace(&mut current, next));
        }
        let mut followed = self.followed.borrow_mut();
        for loc in passed {
            followed.insert(loc, current.clone());
        }
        Ok(current)
    }

    /// Turns located problems into diagnostics with file paths, lines and columns.
    pub fn diagnostics(&self, problems: Vec<Problem>) -> Diagnostics {
        let mut wanted: HashMap<FileId, Vec<&str>> = HashMap::new();
        for loc in problems
            .iter()
            .flat_map(|p| std::iter::once(&p.loc).chain(&p.related))
        {
            wanted.entry(loc.file).or_default().push(&loc.pointer);
        }
        let positions: HashMap<FileId, HashMap<String, Position>> = wanted
            .into_iter()
            .map(|(file, pointers)| {
                let source = &self.files[file.0];
                (file, source::locate(&source.text, source.format, &pointers))
            })
            .collect();
        let position = |loc: &Loc| positions[&loc.file].get(&loc.pointer).copied();
        let diagnostics = problems
            .into_iter()
            .map(|problem| {
                let mut message = problem.message;
                if let Some(related) = &problem.related {
                    let file = self.files[related.file.0].path.display();
                    let at = position(related)
                        .map(|p| format!(":{}:{}", p.line, p.column))
                        .unwrap_or_default();
                    message.push_str(&format!(" (see {file}{at}: #{})", related.pointer));
                }
                Diagnostic {
                    severity: problem.severity,
                    file: self.files[problem.loc.file.0].path.clone(),
                    position: position(&problem.loc),
                    pointer: problem.loc.pointer,
                    message,
                }
            })
            .collect();
        Diagnostics(diagnostics)
    }
}

/// Reads a regular file of at most `max_bytes` (never a device, FIFO or directory,
/// which could hang or never end).
fn read_regular_file(path: &Path, max_bytes: u64) -> Result<String, String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Opening a FIFO for reading blocks until someone writes; non-blocking, it opens at
    // once and is refused below. Reads of regular files are not affected.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| e.to_string())?;
    let metadata = file.metadata().map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err("not a regular file".to_owned());
    }
    if metadata.len() > max_bytes {
        return Err(format!("larger than the limit of {max_bytes} bytes"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!("larger than the limit of {max_bytes} bytes"));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A path made absolute with `.` and `..` removed, so one file has one identity.
fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        std::borrow::Cow::Borrowed(path)
    } else {
        std::borrow::Cow::Owned(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `$ref`s are URIs: `%7B` in a fragment means `{`.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode("/paths/~1pets%7Bid%7D"), "/paths/~1pets{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
