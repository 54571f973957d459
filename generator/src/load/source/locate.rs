//! JSON pointers to line/column positions, by one walk over YAML events
//! (JSON is read as YAML here) that enters only the collections that can
//! hold a wanted pointer.

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
