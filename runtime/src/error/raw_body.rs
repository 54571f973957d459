//! Response bodies kept in errors, shown bounded and with hidden characters escaped.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

/// How many bytes of a body `Display` shows.
const DISPLAY_LIMIT: usize = 4096;

/// A response body kept for diagnostics: the bytes that were read (at most
/// [`HttpOptions::max_body_bytes`](crate::HttpOptions::max_body_bytes)) and whether the
/// server sent more.
///
/// `Display` shows at most 4 KiB as lossy UTF-8. Bodies of token responses are kept with
/// the token values masked.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawBody {
    bytes: Bytes,
    truncated: bool,
}

impl RawBody {
    /// Wraps bytes; `truncated` tells that the server sent more than these.
    pub fn new(bytes: impl Into<Bytes>, truncated: bool) -> RawBody {
        RawBody {
            bytes: bytes.into(),
            truncated,
        }
    }

    /// The bytes that were read.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes as text, invalid UTF-8 replaced.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// Whether the server sent more than was read.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Whether no byte was read.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn preview(&self) -> (Cow<'_, str>, bool) {
        let cut = self.bytes.len() > DISPLAY_LIMIT;
        let shown = &self.bytes[..self.bytes.len().min(DISPLAY_LIMIT)];
        (String::from_utf8_lossy(shown), cut || self.truncated)
    }
}

impl fmt::Display for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bytes.is_empty() {
            return f.write_str(if self.truncated {
                "(body not read)"
            } else {
                "(empty body)"
            });
        }
        let (text, more) = self.preview();
        for c in text.trim_end().chars() {
            // A server's escape sequences never reach a terminal or a log as they are.
            if (c.is_control() && c != '\n' && c != '\t') || is_direction_mark(c) {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        if more {
            write!(f, "… ({} bytes read", self.bytes.len())?;
            f.write_str(if self.truncated {
                ", more not read)"
            } else {
                ")"
            })?;
        }
        Ok(())
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (text, _) = self.preview();
        f.debug_struct("RawBody")
            .field("len", &self.bytes.len())
            .field("truncated", &self.truncated)
            .field("text", &text)
            .finish()
    }
}

/// Characters that reorder displayed text (bidi controls) or hide in it.
pub(crate) fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}
