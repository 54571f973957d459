//! What is particular to JSON text: `serde_json`'s errors in character
//! columns (JSON's positions are found by `locate`'s own scan).

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
