//! Source loading: document text to a JSON tree, and JSON pointers back to
//! line/column positions.
//!
//! YAML is read from saphyr-parser's event stream with explicit stacks, so
//! hostile nesting cannot overflow the call stack.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};
use serde_json::{Map, Number, Value};

/// Deepest YAML nesting accepted. Matches `serde_json`'s limit so both formats
/// agree, and keeps recursive passes over the tree (even `Drop`) off the
/// stack limit.
const MAX_DEPTH: usize = 128;

/// Most nodes that aliases may copy into a YAML tree, so that "billion laughs"
/// documents fail instead of exhausting memory.
const MAX_ALIAS_NODES: usize = 1_000_000;

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        })
    }
}

/// Document syntax, chosen from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON, read with `serde_json`.
    Json,
    /// YAML 1.2, read event by event.
    Yaml,
}

impl Format {
    /// `.json` gives `Json`; `.yaml`, `.yml` and anything else give `Yaml`,
    /// since YAML 1.2 is a JSON superset.
    pub fn from_path(path: &Path) -> Format {
        match path.extension() {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// A 1-based line and column; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, starting at 1.
    pub line: u32,
    /// Column in characters, starting at 1.
    pub column: u32,
}

impl Position {
    /// The document start, where the root node is reported.
    const START: Position = Position { line: 1, column: 1 };

    /// saphyr markers have 1-based lines and 0-based columns.
    fn from_marker(marker: &Marker) -> Position {
        Position {
            line: to_u32(marker.line()),
            column: to_u32(marker.col().saturating_add(1)),
        }
    }
}

/// A syntax error: message plus position where the parser knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What went wrong, without the position.
    pub message: String,
    /// Where it went wrong, if known.
    pub position: Option<Position>,
}

impl SyntaxError {
    fn at(message: impl Into<String>, position: Position) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            position: Some(position),
        }
    }

    fn from_scan(error: &ScanError) -> SyntaxError {
        SyntaxError::at(error.info(), Position::from_marker(error.marker()))
    }
}

/// Parses document text into a JSON tree. For YAML only the first document of
/// a stream is read; an empty document is `null`.
///
/// # Errors
/// Malformed text, duplicate or non-scalar YAML keys, bad aliases, values
/// that contradict their core tag, and nesting deeper than 128 levels.
pub fn parse(text: &str, format: Format) -> Result<Value, SyntaxError> {
    let mut budget = MAX_ALIAS_NODES;
    parse_limited(text, format, &mut budget)
}

/// [`parse`], with YAML aliases copying at most `alias_budget` nodes, which is reduced
/// by what they copied: one budget shared by every file of a document.
pub fn parse_limited(
    text: &str,
    format: Format,
    alias_budget: &mut usize,
) -> Result<Value, SyntaxError> {
    match format {
        Format::Json => parse_json(text),
        Format::Yaml => {
            let mut builder = Builder {
                alias_limit: *alias_budget,
                ..Builder::default()
            };
            let result = builder.run(text);
            *alias_budget = alias_budget.saturating_sub(builder.alias_nodes);
            result
        }
    }
}

/// Positions of the nodes at the given JSON pointers (RFC 6901, `""` is the
/// root). A mapping value is reported at its key, an array item at its start,
/// the root at 1:1. Pointers that do not exist are absent; if the text is
/// malformed, the pointers found before the error are returned.
pub fn locate(text: &str, format: Format, pointers: &[&str]) -> HashMap<String, Position> {
    let text = match format {
        Format::Json => json_for_yaml(text),
        Format::Yaml => Cow::Borrowed(text),
    };
    let mut locator = Locator::new(pointers);
    locator.run(&text);
    locator.found
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn parse_json(text: &str) -> Result<Value, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|error| {
        let full = error.to_string();
        // serde_json appends " at line L column C"; the position is kept apart.
        let message = match full.rsplit_once(" at line ") {
            Some((message, _)) if error.line() > 0 => message.to_owned(),
            _ => full,
        };
        SyntaxError {
            message,
            position: json_position(text, error.line(), error.column()),
        }
    })
}

/// `serde_json` counts columns in bytes; convert to characters like saphyr.
fn json_position(text: &str, line: usize, byte_column: usize) -> Option<Position> {
    let line_text = text.split('\n').nth(line.checked_sub(1)?)?.as_bytes();
    let prefix = line_text.get(..byte_column).unwrap_or(line_text);
    let column = prefix.iter().filter(|&&b| b & 0xC0 != 0x80).count();
    Some(Position {
        line: to_u32(line),
        column: to_u32(column.max(1)),
    })
}

/// Builds a JSON tree from YAML events, one explicit frame per open collection.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    /// Nodes built so far, alias copies included; sizes anchored subtrees.
    nodes: usize,
    /// Nodes copied in by aliases, bounded by `alias_limit`.
    alias_nodes: usize,
    alias_limit: usize,
    root: Option<Value>,
}

/// An open collection.
struct Frame {
    node: Collection,
    anchor: usize,
    /// `Builder::nodes` when the collection opened.
    first_node: usize,
}

enum Collection {
    Seq(Vec<Value>),
    /// `key` holds the key whose value comes next; values of merge keys (`<<`) wait
    /// in `merged` until the mapping ends.
    Map {
        map: Map<String, Value>,
        key: Option<Key>,
        merged: Vec<Value>,
    },
}

/// The key whose value comes next in a mapping.
enum Key {
    Named(String),
    /// `<<`, the YAML merge key: its mapping (or list of mappings) supplies the keys
    /// this mapping does not have.
    Merge,
}

/// A completed anchored node and its node count.
struct Anchored {
    value: Value,
    size: usize,
}

impl Builder {
    fn run(&mut self, text: &str) -> Result<Value, SyntaxError> {
        for event in Parser::new_from_str(text) {
            let (event, span) = event.map_err(|e| SyntaxError::from_scan(&e))?;
            let at = Position::from_marker(&span.start);
            match event {
                Event::Scalar(text, style, anchor, tag) => {
                    self.scalar(text, style, anchor, tag.as_deref(), at)?;
                }
                Event::SequenceStart(anchor, _) => {
                    self.open(Collection::Seq(Vec::new()), anchor, at)?;
                }
                Event::MappingStart(anchor, _) => {
                    let map = Collection::Map {
                        map: Map::new(),
                        key: None,
                        merged: Vec::new(),
                    };
                    self.open(map, anchor, at)?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(at)?,
                Event::Alias(id) => self.alias(id, at)?,
                // Only the first document counts.
                Event::DocumentEnd | Event::StreamEnd => break,
                Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
            }
        }
        Ok(self.root.take().unwrap_or(Value::Null))
    }

    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                node: Collection::Map { key: None, .. },
                ..
            })
        )
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        at: Position,
    ) -> Result<(), SyntaxError> {
        if self.expects_key() {
            if text == "<<" && style == ScalarStyle::Plain && tag.is_none() {
                return self.set_merge_key();
            }
            // Keys stay text: OpenAPI writes `200:` and means "200".
            let key = text.into_owned();
            if anchor != 0 {
                let value = Value::String(key.clone());
                self.anchors.insert(anchor, Anchored { value, size: 1 });
            }
            return self.set_key(key, at);
        }
        let value = scalar_value(text, style, tag).map_err(|m| SyntaxError::at(m, at))?;
        self.nodes += 1;
        self.complete(value, anchor, 1);
        Ok(())
    }

    fn set_key(&mut self, key: String, at: Position) -> Result<(), SyntaxError> {
        if let Some(Frame {
            node: Collection::Map { map, key: slot, .. },
            ..
        }) = self.stack.last_mut()
        {
            if map.contains_key(&key) {
                return Err(SyntaxError::at(
                    format!("duplicate mapping key `{key}`"),
                    at,
                ));
            }
            *slot = Some(Key::Named(key));
        }
        Ok(())
    }

    fn set_merge_key(&mut self) -> Result<(), SyntaxError> {
        if let Some(Frame {
            node: Collection::Map { key: slot, .. },
            ..
        }) = self.stack.last_mut()
        {
            *slot = Some(Key::Merge);
        }
        Ok(())
    }

    fn open(&mut self, node: Collection, anchor: usize, at: Position) -> Result<(), SyntaxError> {
        if self.expects_key() {
            return Err(SyntaxError::at("mapping keys must be scalars", at));
        }
        if self.stack.len() >= MAX_DEPTH {
            let message = format!("nesting deeper than {MAX_DEPTH} levels");
            return Err(SyntaxError::at(message, at));
        }
        let first_node = self.nodes;
        self.nodes += 1;
        self.stack.push(Frame {
            node,
            anchor,
            first_node,
        });
        Ok(())
    }

    fn close(&mut self, at: Position) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Err(SyntaxError::at("unbalanced end of collection", at));
        };
        let value = match frame.node {
            Collection::Seq(items) => Value::Array(items),
            Collection::Map { map, merged, .. } => {
                Value::Object(merge_keys(map, merged).map_err(|m| SyntaxError::at(m, at))?)
            }
        };
        self.complete(value, frame.anchor, self.nodes - frame.first_node);
        Ok(())
    }

    fn alias(&mut self, id: usize, at: Position) -> Result<(), SyntaxError> {
        // A missing entry is an alias inside its own anchored node.
        let Some(Anchored { value, size }) = self.anchors.get(&id) else {
            return Err(SyntaxError::at(
                "alias to an unfinished or unknown anchor",
                at,
            ));
        };
        let (value, size) = (value.clone(), *size);
        self.alias_nodes = self.alias_nodes.saturating_add(size);
        if self.alias_nodes > self.alias_limit {
            let message = format!(
                "aliases expand to more than {} nodes (across all files of the document)",
                self.alias_limit
            );
            return Err(SyntaxError::at(message, at));
        }
        if self.stack.len() + levels(&value) > MAX_DEPTH {
            let message = format!("alias nests deeper than {MAX_DEPTH} levels");
            return Err(SyntaxError::at(message, at));
        }
        if !self.expects_key() {
            self.nodes += size;
            self.attach(value);
            return Ok(());
        }
        match value {
            Value::String(key) => self.set_key(key, at),
            Value::Number(_) | Value::Bool(_) | Value::Null => self.set_key(value.to_string(), at),
            Value::Array(_) | Value::Object(_) => {
                Err(SyntaxError::at("mapping keys must be scalars", at))
            }
        }
    }

    /// Records a finished node under its anchor, then places it in its parent.
    fn complete(&mut self, value: Value, anchor: usize, size: usize) {
        if anchor != 0 {
            let value = value.clone();
            self.anchors.insert(anchor, Anchored { value, size });
        }
        self.attach(value);
    }

    fn attach(&mut self, value: Value) {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame {
                node: Collection::Seq(items),
                ..
            }) => items.push(value),
            Some(Frame {
                node: Collection::Map { map, key, merged },
                ..
            }) => match key.take() {
                Some(Key::Named(key)) => {
                    map.insert(key, value);
                }
                Some(Key::Merge) => merged.push(value),
                None => {}
            },
        }
    }
}

/// Applies merge keys (`<<: *base`, `<<: [*a, *b]`): keys of the merged mappings that
/// the mapping does not set itself, earlier mappings first.
fn merge_keys(
    mut map: Map<String, Value>,
    merged: Vec<Value>,
) -> Result<Map<String, Value>, String> {
    for value in merged {
        let sources = match value {
            Value::Object(source) => vec![source],
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Object(source) => Ok(source),
                    _ => Err("a merge key (`<<`) takes mappings".to_owned()),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err("a merge key (`<<`) takes a mapping or a list of mappings".to_owned()),
        };
        for source in sources {
            for (key, value) in source {
                if !map.contains_key(&key) {
                    map.insert(key, value);
                }
            }
        }
    }
    Ok(map)
}

/// Most collections nested on one path of `value`, found without recursion.
fn levels(value: &Value) -> usize {
    let mut most = 0;
    let mut pending = vec![(value, 0)];
    while let Some((value, above)) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items.iter().map(|item| (item, above + 1))),
            Value::Object(map) => pending.extend(map.values().map(|item| (item, above + 1))),
            _ => continue,
        }
        most = most.max(above + 1);
    }
    most
}

/// Resolves a scalar with the YAML 1.2 core schema: explicit core tags first,
/// then plain scalars by content; quoted and block scalars are strings.
fn scalar_value(
    text: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Value, String> {
    let core_tag = tag
        .filter(|t| t.is_yaml_core_schema())
        .map(|t| t.suffix.as_str());
    let typed = match core_tag {
        Some("str") => return Ok(Value::String(text.into_owned())),
        Some("null") => null(&text),
        Some("bool") => boolean(&text),
        Some("int") => integer(&text),
        Some("float") => float(&text).or_else(|| inf_or_nan(&text)),
        _ if style == ScalarStyle::Plain => plain(&text),
        _ => None,
    };
    match (typed, core_tag) {
        (Some(value), _) => Ok(value),
        (None, Some(kind @ ("null" | "bool" | "int" | "float"))) => {
            Err(format!("`{text}` is not a valid !!{kind}"))
        }
        (None, _) => Ok(Value::String(text.into_owned())),
    }
}

/// The type of an untagged plain scalar; `None` means string.
fn plain(text: &str) -> Option<Value> {
    null(text)
        .or_else(|| boolean(text))
        .or_else(|| integer(text))
        .or_else(|| float(text))
}

fn null(text: &str) -> Option<Value> {
    matches!(text, "" | "~" | "null" | "Null" | "NULL").then_some(Value::Null)
}

fn boolean(text: &str) -> Option<Value> {
    match text {
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// Decimal, `0o` octal or `0x` hex. Decimals beyond 64 bits become floats;
/// octal and hex beyond 64 bits are not integers.
fn integer(text: &str) -> Option<Value> {
    if let Some(digits) = text.strip_prefix("0o") {
        return radix(digits, 8);
    }
    if let Some(digits) = text.strip_prefix("0x") {
        return radix(digits, 16);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !all_digits(digits, 10) {
        return None;
    }
    let number = text
        .parse::<i64>()
        .map(Number::from)
        .or_else(|_| text.parse::<u64>().map(Number::from))
        .ok()
        .or_else(|| Number::from_f64(text.parse().ok()?))?;
    Some(Value::Number(number))
}

fn radix(digits: &str, radix: u32) -> Option<Value> {
    if !all_digits(digits, radix) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok().map(Value::from)
}

/// Non-empty and only digits of `radix` (std's parsers also accept a sign).
fn all_digits(text: &str, radix: u32) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_digit(radix))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, checked by hand
/// because Rust's float parser also takes `inf`, `nan` and `infinity`.
fn float(text: &str) -> Option<Value> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok =
        exponent.is_none_or(|e| all_digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    Number::from_f64(text.parse().ok()?).map(Value::Number)
}

/// `.inf` and `.nan` in their core-schema spellings; JSON has no such
/// numbers, so they stay strings.
fn inf_or_nan(text: &str) -> Option<Value> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let inf = matches!(unsigned, ".inf" | ".Inf" | ".INF");
    let nan = matches!(text, ".nan" | ".NaN" | ".NAN");
    (inf || nan).then(|| Value::String(text.to_owned()))
}

/// saphyr rejects two things JSON allows: a tab after `:` and `\u` escapes
/// of UTF-16 surrogates. Both get same-length stand-ins (a space, `\uFFFD`),
/// so positions stay exact. Raw tabs are only whitespace in JSON.
fn json_for_yaml(text: &str) -> Cow<'_, str> {
    if !text.contains('\t') && !text.contains("\\u") {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'\t' => bytes[i] = b' ',
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'u') {
                    let hex = bytes.get_mut(i + 2..i + 6).filter(|hex| is_surrogate(hex));
                    if let Some(hex) = hex {
                        hex.copy_from_slice(b"FFFD");
                    }
                }
                // Skip the escaped character, so `\\u` is no escape.
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    // Only ASCII bytes were swapped, so this cannot fail.
    String::from_utf8(bytes).map_or(Cow::Borrowed(text), Cow::Owned)
}

/// Four hex digits in `D800..=DFFF`.
fn is_surrogate(hex: &[u8]) -> bool {
    matches!(hex, [b'd' | b'D', b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F', a, b]
        if a.is_ascii_hexdigit() && b.is_ascii_hexdigit())
}

/// Walks YAML events tracking the current pointer, descending only into
/// collections that can contain a requested pointer.
struct Locator<'p> {
    wanted: HashSet<&'p str>,
    /// Proper prefixes of wanted pointers: the collections worth entering.
    parents: HashSet<&'p str>,
    found: HashMap<String, Position>,
    /// Pointer of the node being placed.
    path: String,
    cursors: Vec<Cursor>,
    /// Depth inside a subtree holding no wanted pointer, walked without paths.
    skip: usize,
}

/// Where the next node goes in an entered collection.
struct Cursor {
    /// Length of the collection's own pointer in `Locator::path`.
    path_len: usize,
    slot: Slot,
}

#[derive(Clone, Copy)]
enum Slot {
    /// Sequence item with this index.
    Item(usize),
    /// Mapping key.
    Key,
    /// Mapping value, at its scalar key's position (`None`: untracked key).
    Value(Option<Position>),
}

/// Outcome of placing a node in its parent.
enum Placed {
    Key,
    Untracked,
    At(Position),
}

impl<'p> Locator<'p> {
    fn new(pointers: &[&'p str]) -> Locator<'p> {
        let wanted: HashSet<&str> = pointers.iter().copied().collect();
        let parents = wanted
            .iter()
            .flat_map(|p| p.match_indices('/').map(|(i, _)| &p[..i]))
            .collect();
        let mut found = HashMap::new();
        if wanted.contains("") {
            found.insert(String::new(), Position::START);
        }
        Locator {
            wanted,
            parents,
            found,
            path: String::new(),
            cursors: Vec::new(),
            skip: 0,
        }
    }

    fn run(&mut self, text: &str) {
        for event in Parser::new_from_str(text) {
            if self.found.len() == self.wanted.len() {
                return;
            }
            let Ok((event, span)) = event else { return };
            let at = Position::from_marker(&span.start);
            match event {
                Event::Scalar(text, ..) => self.node(Some(&text), None, at),
                Event::Alias(_) => self.node(None, None, at),
                Event::SequenceStart(..) => self.node(None, Some(Slot::Item(0)), at),
                Event::MappingStart(..) => self.node(None, Some(Slot::Key), at),
                Event::SequenceEnd | Event::MappingEnd => self.close(),
                Event::DocumentEnd | Event::StreamEnd => return,
                Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
            }
        }
    }

    /// Handles a scalar or alias (`opens` is `None`) or a collection start.
    fn node(&mut self, scalar: Option<&str>, opens: Option<Slot>, at: Position) {
        if self.skip > 0 {
            self.skip += usize::from(opens.is_some());
            return;
        }
        match self.place(scalar, at) {
            Placed::Key => {}
            Placed::Untracked => self.skip = usize::from(opens.is_some()),
            Placed::At(position) => {
                if self.wanted.contains(self.path.as_str()) {
                    self.found.entry(self.path.clone()).or_insert(position);
                }
                let Some(slot) = opens else { return };
                if self.parents.contains(self.path.as_str()) {
                    let path_len = self.path.len();
                    self.cursors.push(Cursor { path_len, slot });
                } else {
                    self.skip = 1;
                }
            }
        }
    }

    /// Advances the enclosing collection past a node and points `path` at it.
    fn place(&mut self, scalar: Option<&str>, at: Position) -> Placed {
        let Some(cursor) = self.cursors.last_mut() else {
            return Placed::At(Position::START);
        };
        match (cursor.slot, scalar) {
            (Slot::Item(index), _) => {
                cursor.slot = Slot::Item(index + 1);
                self.path.truncate(cursor.path_len);
                self.path.push('/');
                self.path.push_str(&index.to_string());
                Placed::At(at)
            }
            (Slot::Key, Some(key)) => {
                cursor.slot = Slot::Value(Some(at));
                self.path.truncate(cursor.path_len);
                push_escaped(&mut self.path, key);
                Placed::Key
            }
            (Slot::Key, None) => {
                cursor.slot = Slot::Value(None);
                Placed::Untracked
            }
            (Slot::Value(key), _) => {
                cursor.slot = Slot::Key;
                key.map_or(Placed::Untracked, Placed::At)
            }
        }
    }

    fn close(&mut self) {
        if self.skip > 0 {
            self.skip -= 1;
        } else {
            self.cursors.pop();
        }
    }
}

/// Appends `/key` with RFC 6901 escapes (`~` → `~0`, `/` → `~1`).
fn push_escaped(path: &mut String, key: &str) {
    path.push('/');
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(text: &str) -> Value {
        match parse(text, Format::Yaml) {
            Ok(value) => value,
            Err(error) => panic!("{text:?} failed: {error:?}"),
        }
    }

    fn yaml_error(text: &str) -> SyntaxError {
        match parse(text, Format::Yaml) {
            Ok(value) => panic!("{text:?} parsed as {value}"),
            Err(error) => error,
        }
    }

    fn pos(line: u32, column: u32) -> Option<Position> {
        Some(Position { line, column })
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_path(Path::new("a/spec.json")), Format::Json);
        assert_eq!(Format::from_path(Path::new("spec.JSON")), Format::Json);
        assert_eq!(Format::from_path(Path::new("spec.yml")), Format::Yaml);
        assert_eq!(Format::from_path(Path::new("spec")), Format::Yaml);
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let cases = [
            ("~", json!(null)),
            ("null", json!(null)),
            ("NULL", json!(null)),
            ("", json!(null)),
            ("true", json!(true)),
            ("False", json!(false)),
            ("TRUE", json!(true)),
            ("yes", json!("yes")),
            ("42", json!(42)),
            ("-17", json!(-17)),
            ("+5", json!(5)),
            ("0755", json!(755)),
            ("0o17", json!(15)),
            ("0x1F", json!(31)),
            ("0xg", json!("0xg")),
            ("18446744073709551615", json!(u64::MAX)),
            ("99999999999999999999", json!(1e20)),
            ("1.5", json!(1.5)),
            ("-1e3", json!(-1000.0)),
            (".5", json!(0.5)),
            ("-.5", json!(-0.5)),
            ("1.e2", json!(100.0)),
            ("1e", json!("1e")),
            (".", json!(".")),
            ("1.", json!(1.0)),
            ("1e400", json!("1e400")),
            (".inf", json!(".inf")),
            ("-.Inf", json!("-.Inf")),
            (".nan", json!(".nan")),
            ("inf", json!("inf")),
            ("1_000", json!("1_000")),
            ("2024-01-01", json!("2024-01-01")),
            ("hello world", json!("hello world")),
        ];
        for (text, expected) in cases {
            assert_eq!(
                yaml(&format!("v: {text}")),
                json!({ "v": expected }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn quoted_and_block_scalars_stay_strings() {
        let text = "a: '1'\nb: \"2.5\"\nc: 'true'\nd: |\n  3\ne: >\n  null\n";
        let expected = json!({"a": "1", "b": "2.5", "c": "true", "d": "3\n", "e": "null\n"});
        assert_eq!(yaml(text), expected);
    }

    #[test]
    fn core_tags_are_honoured() {
        let text = "- !!str 3\n- !!int '4'\n- !!float 5\n- !!bool 'true'\n- !!null ''\n- !!float .inf\n- !custom 7";
        assert_eq!(yaml(text), json!(["3", 4, 5.0, true, null, ".inf", 7]));
        let error = yaml_error("a: !!int x");
        assert_eq!(error.position, pos(1, 4));
        assert!(error.message.contains("!!int"), "{}", error.message);
    }

    #[test]
    fn mapping_keys_are_always_strings() {
        let text =
            "responses:\n  200:\n    description: OK\n  4XX: {}\n  true: 1\n  ~: 2\n  1.5: 3";
        let expected = json!({"responses": {
            "200": {"description": "OK"}, "4XX": {}, "true": 1, "~": 2, "1.5": 3
        }});
        assert_eq!(yaml(text), expected);
    }

    #[test]
    fn non_scalar_keys_are_errors() {
        assert_eq!(yaml_error("? [a]\n: 1").position, pos(1, 3));
        assert_eq!(yaml_error("{{a: 1}: 2}").position, pos(1, 2));
    }

    #[test]
    fn aliases_copy_anchored_values() {
        let text =
            "base: &b {x: 1, y: [2]}\nuse: *b\nname: &n 200\ncopy: *n\nkey: &k status\n*k : ok\n";
        let expected = json!({
            "base": {"x": 1, "y": [2]}, "use": {"x": 1, "y": [2]},
            "name": 200, "copy": 200, "key": "status", "status": "ok"
        });
        assert_eq!(yaml(text), expected);
    }

    #[test]
    fn merge_keys_supply_missing_keys() {
        let text = "base: &b {type: object, description: base, x: 1}\nother: &o {y: 2, x: 3}\nuse:\n  <<: *b\n  description: own\nboth:\n  <<: [*b, *o]\n  z: 4\nquoted:\n  '<<': 5\n";
        let value = yaml(text);
        assert_eq!(
            value["use"],
            json!({"description": "own", "type": "object", "x": 1})
        );
        assert_eq!(
            value["both"],
            json!({"z": 4, "type": "object", "description": "base", "x": 1, "y": 2})
        );
        assert_eq!(value["quoted"], json!({"<<": 5}));
        assert!(yaml_error("a:\n  <<: 5\n").message.contains("merge key"));
    }

    #[test]
    fn bad_aliases_are_errors() {
        assert_eq!(yaml_error("a: *missing").position, pos(1, 4));
        // An alias inside its own anchor would be an infinite tree.
        assert_eq!(yaml_error("a: &x [1, *x]").position, pos(1, 11));
    }

    #[test]
    fn aliases_cannot_nest_past_the_limit() {
        let half = MAX_DEPTH / 2 + 1;
        let text = format!(
            "a: &a {}{}\nb: {}*a{}",
            "[".repeat(half),
            "]".repeat(half),
            "[".repeat(half),
            "]".repeat(half)
        );
        let error = yaml_error(&text);
        assert_eq!(error.position, pos(2, half as u32 + 4));
    }

    #[test]
    fn alias_bombs_are_errors() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let items = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        assert!(yaml_error(&text).message.contains("aliases"));
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let error = yaml_error("paths:\n  /a: 1\n  /b: 2\n  /a: 3\n");
        assert_eq!(error.position, pos(4, 3));
        assert!(error.message.contains("`/a`"), "{}", error.message);
    }

    #[test]
    fn bad_indentation_reports_its_line() {
        let error = yaml_error("info:\n  title: x\n version: 1\n");
        assert_eq!(error.position.map(|p| p.line), Some(3));
    }

    #[test]
    fn only_the_first_document_is_read() {
        assert_eq!(yaml("a: 1\n---\nb: [\n"), json!({"a": 1}));
        assert_eq!(yaml("---\n...\n---\na: 1"), json!(null));
        assert_eq!(yaml(""), json!(null));
        assert_eq!(yaml("# only a comment\n"), json!(null));
    }

    #[test]
    fn json_errors_report_character_columns() {
        let error = match parse("{\n  \"é\": 1 x\n}", Format::Json) {
            Ok(value) => panic!("parsed as {value}"),
            Err(error) => error,
        };
        assert_eq!(error.position, pos(2, 10));
        assert_eq!(error.message, "expected `,` or `}`");
    }

    #[test]
    fn json_and_yaml_build_the_same_tree() {
        let text = r#"{"a": [1, -2.5, true, null, "3"], "b": {"~/": "\u00e9"}}"#;
        assert_eq!(parse(text, Format::Json), parse(text, Format::Yaml));
        assert_eq!(parse("\u{feff}[1]", Format::Json), Ok(json!([1])));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let flow = "[".repeat(100_000);
        assert!(parse(&flow, Format::Yaml).is_err());
        assert!(parse(&format!("{flow}{}", "]".repeat(100_000)), Format::Yaml).is_err());
        assert!(parse(&flow, Format::Json).is_err());
        let block = format!("{}x", "- ".repeat(100_000));
        let error = yaml_error(&block);
        assert_eq!(error.position, pos(1, 2 * MAX_DEPTH as u32 + 1));
        let limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&limit, Format::Yaml).is_ok());
    }

    const YAML: &str = "\
openapi: 3.0.0
paths:
  /oauth/token:
    post:
      responses:
        200: {description: ok}
  a~b:
    tags:
      - one
      - name: two
";

    const JSON: &str = r#"{
  "openapi": "3.0.0",
  "paths": {
    "/oauth/token": {
      "post": {"responses": {"200": {"description": "ok"}}}
    },
    "a~b": {
	"tags": ["one", {"name":	"two"}]
    }
  }
}"#;

    fn located(text: &str, format: Format) -> HashMap<String, Position> {
        let pointers = [
            "",
            "/paths",
            "/paths/~1oauth~1token/post",
            "/paths/~1oauth~1token/post/responses/200/description",
            "/paths/a~0b/tags/1",
            "/paths/a~0b/tags/1/name",
            "/paths/~1oauth~1token/get",
            "/paths/a~0b/tags/2",
            "/paths/a~b",
        ];
        locate(text, format, &pointers)
    }

    fn at(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn locate_in_yaml() {
        let expected = HashMap::from([
            (String::new(), at(1, 1)),
            ("/paths".to_owned(), at(2, 1)),
            ("/paths/~1oauth~1token/post".to_owned(), at(4, 5)),
            (
                "/paths/~1oauth~1token/post/responses/200/description".to_owned(),
                at(6, 15),
            ),
            ("/paths/a~0b/tags/1".to_owned(), at(10, 9)),
            ("/paths/a~0b/tags/1/name".to_owned(), at(10, 9)),
        ]);
        assert_eq!(located(YAML, Format::Yaml), expected);
    }

    #[test]
    fn locate_in_json() {
        let expected = HashMap::from([
            (String::new(), at(1, 1)),
            ("/paths".to_owned(), at(3, 3)),
            ("/paths/~1oauth~1token/post".to_owned(), at(5, 7)),
            ("/paths/a~0b/tags/1".to_owned(), at(8, 18)),
            ("/paths/a~0b/tags/1/name".to_owned(), at(8, 19)),
            (
                "/paths/~1oauth~1token/post/responses/200/description".to_owned(),
                at(5, 38),
            ),
        ]);
        assert_eq!(located(JSON, Format::Json), expected);
    }

    #[test]
    fn locate_survives_json_that_yaml_rejects() {
        let text = "{\"s\": \"\\ud83d\\ude00 \\\\ud83d\",\n\"a\":\t1}";
        assert_eq!(
            locate(text, Format::Json, &["/a"]),
            HashMap::from([("/a".to_owned(), at(2, 1))])
        );
    }

    #[test]
    fn locate_keeps_what_precedes_an_error() {
        let found = locate("a: 1\nb: [\n", Format::Yaml, &["/a", "/b", "/c"]);
        assert_eq!(found.get("/a"), Some(&at(1, 1)));
        assert_eq!(found.get("/c"), None);
    }

    #[test]
    fn locate_handles_deep_nesting() {
        // saphyr stops flow nesting at 255 levels; block nesting is unbounded.
        let flow = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let deep = "/0".repeat(150);
        let found = locate(&flow, Format::Json, &["/0/0", &deep, "/1"]);
        assert_eq!(found.get("/0/0"), Some(&at(1, 3)));
        assert_eq!(found.get(deep.as_str()), Some(&at(1, 151)));
        assert_eq!(found.get("/1"), None);
        assert!(locate(&"[".repeat(100_000), Format::Json, &["/0"]).len() <= 1);
        let block = format!("{}x", "- ".repeat(100_000));
        let found = locate(&block, Format::Yaml, &[&deep, "/1"]);
        assert_eq!(found.get(deep.as_str()), Some(&at(1, 301)));
        assert_eq!(found.get("/1"), None);
    }
}
