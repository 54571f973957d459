//! Characters from documents that must never reach output as they are: control
//! characters (terminal escapes, lone `\r`) and invisible ones that reorder or hide
//! text (bidi controls: Trojan Source, CVE-2021-42574; zero-width marks).

use std::borrow::Cow;

/// Zero-width and direction-changing characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Text safe on a terminal or in a log: control and invisible characters are shown
/// escaped (`\u{1b}`).
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || is_invisible(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}
