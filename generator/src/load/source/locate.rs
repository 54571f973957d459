//! JSON pointers to line/column positions, by one walk over the document's
//! nodes that enters only the collections that can hold a wanted pointer:
//! YAML's from saphyr's events, JSON's from a scan of its bytes that skips the
//! collections not entered by bracket matching (reading JSON as YAML took a
//! fifth of the generation time of a 1.4 MB document with many warnings).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser};

use super::Position;

/// Walks YAML events tracking the current pointer, descending only into
/// collections that can contain a requested pointer.
pub(super) struct Locator<'p> {
    wanted: HashSet<&'p str>,
    /// Proper prefixes of wanted pointers: the collections worth entering.
    parents: HashSet<&'p str>,
    pub(super) found: HashMap<String, Position>,
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
    pub(super) fn new(pointers: &[&'p str]) -> Locator<'p> {
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

    pub(super) fn run(&mut self, text: &str) {
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

    /// Walks JSON text. Only brackets, strings and the other scalars are told
    /// apart (`:` and `,` are read as spaces): the text parsed as JSON before it
    /// is located, and on malformed text the positions found so far stand.
    pub(super) fn run_json(&mut self, text: &str) {
        let mut scan = Scan::new(text.strip_prefix('\u{feff}').unwrap_or(text));
        while let Some(byte) = scan.peek() {
            if self.found.len() == self.wanted.len() {
                return;
            }
            let at = scan.position();
            match byte {
                b'{' | b'[' => {
                    scan.advance();
                    let slot = if byte == b'{' {
                        Slot::Key
                    } else {
                        Slot::Item(0)
                    };
                    self.node(None, Some(slot), at);
                    if self.skip > 0 {
                        scan.skip_collection();
                        self.close();
                    }
                }
                b'}' | b']' => {
                    scan.advance();
                    self.close();
                }
                b'"' => {
                    let key = scan.string();
                    self.node(Some(&key), None, at);
                }
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' => scan.advance(),
                _ => {
                    let scalar = scan.bare_scalar();
                    self.node(Some(scalar), None, at);
                }
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

/// A cursor over JSON bytes that knows its line and column (in characters).
struct Scan<'t> {
    text: &'t str,
    at: usize,
    line: u32,
    column: u32,
}

impl<'t> Scan<'t> {
    fn new(text: &'t str) -> Scan<'t> {
        Scan {
            text,
            at: 0,
            line: 1,
            column: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    /// Moves past one byte; a UTF-8 continuation byte is no new column.
    fn advance(&mut self) {
        let Some(byte) = self.peek() else { return };
        self.at += 1;
        if byte == b'\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else if byte & 0xC0 != 0x80 {
            self.column = self.column.saturating_add(1);
        }
    }

    /// From just inside a `{` or `[` to past its closing bracket.
    fn skip_collection(&mut self) {
        let mut depth = 0usize;
        while let Some(byte) = self.peek() {
            match byte {
                b'"' => {
                    self.string_end();
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => {
                    self.advance();
                    return;
                }
                b'}' | b']' => depth -= 1,
                _ => {}
            }
            self.advance();
        }
    }

    /// Past a string from its opening quote; its text, unescaped.
    fn string(&mut self) -> Cow<'t, str> {
        let start = self.at + 1;
        let escaped = self.string_end();
        let end = self.at.saturating_sub(1).max(start);
        let raw = self.text.get(start..end).unwrap_or("");
        if escaped {
            Cow::Owned(unescape_json(raw))
        } else {
            Cow::Borrowed(raw)
        }
    }

    /// Past a string from its opening quote (to the end of the text if it does not
    /// close); whether it holds an escape.
    fn string_end(&mut self) -> bool {
        self.advance();
        let mut escaped = false;
        while let Some(byte) = self.peek() {
            self.advance();
            match byte {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.advance();
                }
                _ => {}
            }
        }
        escaped
    }

    /// A number, `true`, `false` or `null`: up to the next delimiter.
    fn bare_scalar(&mut self) -> &'t str {
        let start = self.at;
        while let Some(byte) = self.peek() {
            if matches!(
                byte,
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' | b']' | b'}' | b'"' | b'[' | b'{'
            ) {
                break;
            }
            self.advance();
        }
        self.text.get(start..self.at).unwrap_or("")
    }
}

/// A JSON string's text with its escapes resolved; what cannot be resolved (a lone
/// surrogate) becomes U+FFFD.
fn unescape_json(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let unit = hex4(&mut chars);
                let c = match unit {
                    Some(high @ 0xD800..=0xDBFF) => {
                        let mut ahead = chars.clone();
                        let low = (ahead.next() == Some('\\') && ahead.next() == Some('u'))
                            .then(|| hex4(&mut ahead))
                            .flatten()
                            .filter(|low| (0xDC00..=0xDFFF).contains(low));
                        match low {
                            Some(low) => {
                                chars = ahead;
                                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                            }
                            None => None,
                        }
                    }
                    Some(unit) => char::from_u32(unit),
                    None => None,
                };
                out.push(c.unwrap_or('\u{fffd}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut unit = 0;
    for _ in 0..4 {
        unit = unit * 16 + chars.next()?.to_digit(16)?;
    }
    Some(unit)
}
