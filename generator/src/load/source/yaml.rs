//! YAML events to a JSON tree, one explicit frame per open collection.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::map::Entry;
use serde_json::{Map, Value};

use super::scalars::{exact, scalar_value};
use super::{Position, SyntaxError};

/// Deepest YAML nesting accepted. Matches `serde_json`'s limit so both formats
/// agree, and keeps recursive passes over the tree (even `Drop`) off the
/// stack limit.
pub(super) const MAX_DEPTH: usize = 128;

/// Most nodes that aliases may copy into a YAML tree, so that "billion laughs"
/// documents fail instead of exhausting memory.
pub(super) const MAX_ALIAS_NODES: usize = 1_000_000;

/// Builds a JSON tree from YAML events, one explicit frame per open collection.
#[derive(Default)]
pub(super) struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    /// Nodes built so far, alias copies included; sizes anchored subtrees.
    nodes: usize,
    /// Nodes copied in by aliases, bounded by `alias_limit`.
    pub(super) alias_nodes: usize,
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
    /// in `merged` until the mapping ends. The map is built when it ends, at its final
    /// size: growing it key by key rehashed it at every doubling.
    Map {
        entries: Vec<(String, Position, Value)>,
        key: Option<Key>,
        merged: Vec<Value>,
    },
}

/// The key whose value comes next in a mapping.
enum Key {
    /// A key and where it is written.
    Named(String, Position),
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
    pub(super) fn with_alias_limit(alias_limit: usize) -> Builder {
        Builder {
            alias_limit,
            ..Builder::default()
        }
    }

    pub(super) fn run(&mut self, text: &str) -> Result<Value, SyntaxError> {
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
                        entries: Vec::new(),
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
            let key = exact(text);
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
            node: Collection::Map { key: slot, .. },
            ..
        }) = self.stack.last_mut()
        {
            *slot = Some(Key::Named(key, at));
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
            Collection::Map {
                entries, merged, ..
            } => {
                let map = mapping(entries)?;
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
                node:
                    Collection::Map {
                        entries,
                        key,
                        merged,
                    },
                ..
            }) => match key.take() {
                Some(Key::Named(key, at)) => entries.push((key, at, value)),
                Some(Key::Merge) => merged.push(value),
                None => {}
            },
        }
    }
}

/// The map of a mapping's entries; a key written twice is an error at its second place.
fn mapping(entries: Vec<(String, Position, Value)>) -> Result<Map<String, Value>, SyntaxError> {
    let mut map = Map::with_capacity(entries.len());
    for (key, at, value) in entries {
        match map.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(value);
            }
            Entry::Occupied(slot) => {
                let message = format!("duplicate mapping key `{}`", slot.key());
                return Err(SyntaxError::at(message, at));
            }
        }
    }
    Ok(map)
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
