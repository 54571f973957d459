//! JSON pointers (RFC 6901) as lowering uses them: a location in a loaded file, its
//! segments escaped and unescaped, the value it names, and the length limit that keeps
//! pointer strings small.

use serde_json::{Map, Value};

use super::FileId;

/// A location: a JSON pointer inside one loaded file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub file: FileId,
    pub pointer: String,
}

impl Loc {
    pub fn child(&self, key: &str) -> Loc {
        let mut pointer = String::with_capacity(self.pointer.len() + key.len() + 1);
        pointer.push_str(&self.pointer);
        pointer.push('/');
        if key.contains(['~', '/']) {
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        } else {
            pointer.push_str(key);
        }
        Loc {
            file: self.file,
            pointer,
        }
    }

    pub fn index(&self, index: usize) -> Loc {
        Loc {
            file: self.file,
            pointer: format!("{}/{index}", self.pointer),
        }
    }
}

/// A JSON-pointer segment as the key it names (RFC 6901: `~1` is `/`, `~0` is `~`).
pub fn unescape_segment(segment: &str) -> String {
    unescaped(segment).into_owned()
}

/// [`unescape_segment`], borrowed when there is nothing to unescape (most segments).
fn unescaped(segment: &str) -> std::borrow::Cow<'_, str> {
    if !segment.as_bytes().contains(&b'~') {
        return segment.into();
    }
    let mut key = String::with_capacity(segment.len());
    unescape_into(segment, &mut key);
    key.into()
}

/// Appends the key `segment` names to `key`, copying the runs between escapes whole.
/// A byte loop: segments are short, and `str::find` per escape cost more than the copy
/// (Box's path keys, `~1files~1{file_id}`, are unescaped 100k times).
fn unescape_into(segment: &str, key: &mut String) {
    key.reserve(segment.len());
    let bytes = segment.as_bytes();
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        let unescaped = match (bytes[at], bytes.get(at + 1)) {
            (b'~', Some(b'1')) => '/',
            (b'~', Some(b'0')) => '~',
            // Not an escape (RFC 6901 has no other): kept as written.
            _ => {
                at += 1;
                continue;
            }
        };
        key.push_str(&segment[copied..at]);
        key.push(unescaped);
        at += 2;
        copied = at;
    }
    key.push_str(&segment[copied..]);
}

/// The value `pointer` names in `root` (RFC 6901), as `Value::pointer` finds it but
/// with at most one allocation (for escaped segments, such as Stripe's and Mealie's path
/// keys, `~1v1~1customers`): lowering looks up millions of pointers.
pub(crate) fn lookup<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut key = String::new();
    // Segments are short: a byte loop finds their ends faster than `str::split`.
    let mut start = 0;
    let mut segments = rest.as_bytes().split(|&b| b == b'/').map(|bytes| {
        let segment = &rest[start..start + bytes.len()];
        start += bytes.len() + 1;
        segment
    });
    segments.try_fold(root, |node, segment| match node {
        Value::Object(map) if segment.as_bytes().contains(&b'~') => {
            key.clear();
            unescape_into(segment, &mut key);
            map.member(&key)
        }
        Value::Object(map) => map.member(segment),
        Value::Array(items) => items.get(array_index(segment)?),
        _ => None,
    })
}

/// An array index as RFC 6901 writes it: digits, no leading zero.
fn array_index(segment: &str) -> Option<usize> {
    let index = segment.parse::<usize>().ok()?;
    (segment == "0" || !segment.starts_with(['0', '+'])).then_some(index)
}

/// A JSON object's member by key, found by comparing keys where there are few (as in a
/// schema object), which is cheaper than hashing `key` with the map's SipHash (a tenth
/// of a Lago run when every lookup hashed).
pub(crate) trait Member {
    fn member(&self, key: &str) -> Option<&Value>;
}

impl Member for Map<String, Value> {
    fn member(&self, key: &str) -> Option<&Value> {
        const SCANNED: usize = 8;
        if self.len() <= SCANNED {
            self.iter().find_map(|(k, v)| (k == key).then_some(v))
        } else {
            self.get(key)
        }
    }
}

impl Member for Value {
    fn member(&self, key: &str) -> Option<&Value> {
        self.as_object()?.member(key)
    }
}

/// The first node of `root` (in `file`) whose keys on the way from the root total more
/// than `max_bytes`, with its location.
pub(super) fn overlong_pointer(root: &Value, file: FileId, max_bytes: usize) -> Option<Loc> {
    enum Step<'a> {
        Key(&'a str),
        Index(usize),
    }
    /// The steps from `value` to the first node beyond `room` bytes, last step first.
    fn steps(value: &Value, room: usize) -> Option<Vec<Step<'_>>> {
        match value {
            Value::Object(map) => map
                .iter()
                .find_map(|(key, child)| step(Step::Key(key), key.len() + 1, child, room)),
            Value::Array(items) => items.iter().enumerate().find_map(|(index, child)| {
                let digits = index.checked_ilog10().unwrap_or(0) as usize + 1;
                step(Step::Index(index), digits + 1, child, room)
            }),
            _ => None,
        }
    }
    fn step<'a>(
        step: Step<'a>,
        cost: usize,
        child: &'a Value,
        room: usize,
    ) -> Option<Vec<Step<'a>>> {
        match room.checked_sub(cost) {
            None => Some(vec![step]),
            Some(left) => steps(child, left).map(|mut found| {
                found.push(step);
                found
            }),
        }
    }
    let found = steps(root, max_bytes)?;
    let start = Loc {
        file,
        pointer: String::new(),
    };
    Some(found.iter().rev().fold(start, |loc, step| match step {
        Step::Key(key) => loc.child(key),
        Step::Index(index) => loc.index(*index),
    }))
}

/// Why a node beyond [`max_pointer_bytes`](super::Limits::max_pointer_bytes) is refused.
pub(super) fn overlong_message(max_bytes: usize) -> String {
    format!(
        "the keys on the way to this node total more than {max_bytes} bytes, more than generation reads"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_unescape_as_rfc_6901_says() {
        for segment in [
            "plain",
            "~1v1~1customers",
            "a~0b",
            "~01",
            "~~1",
            "~10",
            "~",
            "x~",
            "~2é",
            "",
            "é~1ü",
        ] {
            let by_the_rule = segment.replace("~1", "/").replace("~0", "~");
            assert_eq!(unescaped(segment), by_the_rule, "{segment}");
        }
        assert!(matches!(unescaped("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn locations_escape_keys() {
        let loc = Loc {
            file: FileId(0),
            pointer: "/paths".into(),
        };
        assert_eq!(loc.child("/oauth/token").pointer, "/paths/~1oauth~1token");
        assert_eq!(loc.child("a~b").index(2).pointer, "/paths/a~0b/2");
    }

    #[test]
    fn lookup_finds_what_value_pointer_finds() {
        let mut root = serde_json::json!({
            "paths": {"/oauth/token": {"post": [1, {"a~b": true}]}},
            "": {"": 0},
            "01": "key",
        });
        // A map too large to search by comparing keys.
        root["big"] = (0..20)
            .map(|i| (format!("k/{i}"), Value::from(i)))
            .collect();
        for pointer in [
            "",
            "/",
            "//",
            "/paths",
            "/paths/~1oauth~1token/post/1/a~0b",
            "/paths/~1oauth~1token/post/0",
            "/paths/~1oauth~1token/post/01",
            "/paths/~1oauth~1token/post/+1",
            "/paths/~1oauth~1token/post/2",
            "/01",
            "/missing/x",
            "paths",
            "/paths/~1oauth~1token/post/1/a~0b/x",
            "/big/k~119",
            "/big/k~120",
        ] {
            assert_eq!(lookup(&root, pointer), root.pointer(pointer), "{pointer:?}");
        }
    }
}
