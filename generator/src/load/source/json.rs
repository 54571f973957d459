//! What is particular to JSON text: `serde_json`'s errors in character
//! columns, and the few spellings saphyr refuses.

use std::borrow::Cow;

use serde_json::Value;

use super::{Position, SyntaxError, to_u32};

pub(super) fn parse_json(text: &str) -> Result<Value, SyntaxError> {
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

/// saphyr rejects two things JSON allows: a tab after `:` and `\u` escapes
/// of UTF-16 surrogates. Both get same-length stand-ins (a space, `\uFFFD`),
/// so positions stay exact. Raw tabs are only whitespace in JSON.
pub(super) fn json_for_yaml(text: &str) -> Cow<'_, str> {
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
