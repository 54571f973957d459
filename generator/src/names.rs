//! Rust names for wire names: valid identifiers in the right case, keywords and
//! leading digits handled, clashes made unique. The wire name is kept beside the
//! Rust name (serde renames whenever they differ).

use std::collections::{HashMap, HashSet};

use crate::text::is_invisible;

/// Strict, reserved and edition-2024 keywords: none may be a plain identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// `snake_case` for fields, parameters and operations.
pub fn snake(raw: &str) -> String {
    finish(underscored(raw, str::to_ascii_lowercase), "_", "value")
}

/// `PascalCase` for types and enum variants.
pub fn pascal(raw: &str) -> String {
    let spelled = spell(raw);
    let mut name = String::with_capacity(spelled.len());
    for word in words(&spelled) {
        let (first, rest) = word.split_at(1);
        name.push_str(&first.to_ascii_uppercase());
        name.push_str(&rest.to_ascii_lowercase());
    }
    finish(name, "V", "Value")
}

/// `SCREAMING_SNAKE_CASE` for constants.
pub fn shouty(raw: &str) -> String {
    finish(underscored(raw, str::to_ascii_uppercase), "V", "VALUE")
}

/// The words of `raw`, each in `case`, joined by `_`.
fn underscored(raw: &str, case: fn(&str) -> String) -> String {
    let spelled = spell(raw);
    words(&spelled).map(case).collect::<Vec<_>>().join("_")
}

/// The words of a name (ASCII, as [`spell`] gives it), split as `heck` splits them:
/// runs of letters and digits, broken after a lowercase letter that an uppercase one
/// follows (`client|Id`), and before the last of several uppercase letters when a
/// lowercase one follows (`HTTP|Server`).
fn words(text: &str) -> impl Iterator<Item = &str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Case {
        /// No letter since the word began.
        None,
        Lower,
        Upper,
    }
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(|run| {
            let bytes = run.as_bytes();
            let mut cuts = vec![0];
            let mut case = Case::None;
            for (i, pair) in bytes.windows(2).enumerate() {
                let (c, next) = (pair[0], pair[1]);
                let with_c = match c {
                    b'a'..=b'z' => Case::Lower,
                    b'A'..=b'Z' => Case::Upper,
                    _ => case,
                };
                if with_c == Case::Lower && next.is_ascii_uppercase() {
                    cuts.push(i + 1);
                    case = Case::None;
                } else if case == Case::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase()
                {
                    cuts.push(i);
                    case = Case::None;
                } else {
                    case = with_c;
                }
            }
            cuts.push(run.len());
            let pieces: Vec<&str> = cuts.windows(2).map(|w| &run[w[0]..w[1]]).collect();
            pieces
        })
        .filter(|word| !word.is_empty())
}

/// Names made only of symbols (`<=`, `.`, `""`) are spelled out so they stay distinct;
/// a leading minus on a number (`-1`) is kept as a word. Letters outside ASCII are
/// spelled in ASCII first (`ünknown` → `unknown`), so no letter is lost.
fn spell(raw: &str) -> String {
    let raw = ascii_letters(raw);
    if raw.is_empty() {
        return "empty".to_owned();
    }
    if raw.chars().any(|c| c.is_ascii_alphanumeric()) {
        return match raw.strip_prefix('-') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("minus {rest}"),
            _ => raw,
        };
    }
    raw.chars().map(symbol_word).collect::<Vec<_>>().join(" ")
}

/// Latin letters with marks lose their marks (`é` → `e`, `ß` → `ss`); other letters
/// and digits outside ASCII become a word of their code point (`日` → ` u65e5 `), so
/// identifiers stay ASCII (no confusable or mixed-script lints) and distinct.
fn ascii_letters(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_control() || is_invisible(c) {
            // Control and direction characters name nothing.
        } else if c.is_ascii() {
            out.push(c);
        } else if let Some(plain) = latin_base(c) {
            out.push_str(plain);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:x} ", u32::from(c)));
        } else {
            out.push(' ');
        }
    }
    out
}

/// The unaccented spelling of a Latin-1 or Latin Extended-A letter.
fn latin_base(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("ÀÁÂÃÄÅĀĂĄ", "A"),
        ("àáâãäåāăą", "a"),
        ("ÇĆĈĊČ", "C"),
        ("çćĉċč", "c"),
        ("ĎĐÐ", "D"),
        ("ďđð", "d"),
        ("ÈÉÊËĒĔĖĘĚ", "E"),
        ("èéêëēĕėęě", "e"),
        ("ĜĞĠĢ", "G"),
        ("ĝğġģ", "g"),
        ("ĤĦ", "H"),
        ("ĥħ", "h"),
        ("ÌÍÎÏĨĪĬĮİ", "I"),
        ("ìíîïĩīĭįı", "i"),
        ("Ĵ", "J"),
        ("ĵ", "j"),
        ("Ķ", "K"),
        ("ķĸ", "k"),
        ("ĹĻĽĿŁ", "L"),
        ("ĺļľŀł", "l"),
        ("ÑŃŅŇŊ", "N"),
        ("ñńņňŉŋ", "n"),
        ("ÒÓÔÕÖØŌŎŐ", "O"),
        ("òóôõöøōŏő", "o"),
        ("ŔŖŘ", "R"),
        ("ŕŗř", "r"),
        ("ŚŜŞŠ", "S"),
        ("śŝşš", "s"),
        ("ŢŤŦ", "T"),
        ("ţťŧ", "t"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
        ("ùúûüũūŭůűų", "u"),
        ("Ŵ", "W"),
        ("ŵ", "w"),
        ("ÝŶŸ", "Y"),
        ("ýÿŷ", "y"),
        ("ŹŻŽ", "Z"),
        ("źżž", "z"),
        ("Æ", "AE"),
        ("æ", "ae"),
        ("Œ", "OE"),
        ("œ", "oe"),
        ("Þ", "TH"),
        ("þ", "th"),
        ("ß", "ss"),
        ("Ĳ", "IJ"),
        ("ĳ", "ij"),
    ];
    TABLE
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, plain)| *plain)
}

fn symbol_word(c: char) -> &'static str {
    match c {
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' => "not",
        '.' => "dot",
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '~' => "tilde",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        '_' => "underscore",
        ' ' => "space",
        ':' => "colon",
        ',' => "comma",
        '?' => "question",
        '^' => "caret",
        _ => "symbol",
    }
}

/// The longest identifier made from document text. Names nest (an inline schema's type
/// is named after its parents and its key), so long keys would otherwise multiply into
/// megabytes of output; real documents stay under 120 characters.
const MAX_NAME_CHARS: usize = 255;

/// Makes `name` a valid identifier: non-empty, not starting with a digit, not a keyword,
/// at most [`MAX_NAME_CHARS`] long (before a clash suffix).
fn finish(name: String, digit_prefix: &str, fallback: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(MAX_NAME_CHARS)
        .collect();
    let name = if name.is_empty() || name.chars().all(|c| c == '_') {
        fallback.to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{name}")
    } else {
        name
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Names already taken in one scope (a module, a struct, an enum).
#[derive(Debug, Default)]
pub struct Namespace {
    taken: HashSet<String>,
    /// Per suffix stem (`Foo`, `type_`), the smallest suffix not yet found taken: every
    /// smaller one is, since names are never released. Keeps many clashes of one name
    /// linear instead of probing from 2 each time.
    next_suffix: HashMap<String, u32>,
}

impl Namespace {
    /// Reserves names the scope already has (e.g. helper items of a module).
    pub fn with_reserved(names: &[&str]) -> Namespace {
        Namespace {
            taken: names.iter().map(|n| (*n).to_owned()).collect(),
            next_suffix: HashMap::new(),
        }
    }

    /// `name`, or `name` with the first free numeric suffix. A keyword escape drops its
    /// trailing `_` first (`type_` → `type_2`, `Self_` → `Self2`): rustc's case lints
    /// flag `type__2` and `Self_2`.
    pub fn unique(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let base = name.trim_end_matches('_');
        let base = if base.is_empty() { name.as_str() } else { base };
        let separator = if base.contains('_') || !base.chars().any(char::is_uppercase) {
            "_"
        } else {
            ""
        };
        let stem = format!("{base}{separator}");
        let next = self.next_suffix.entry(stem.clone()).or_insert(2);
        loop {
            let candidate = format!("{stem}{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn cases_are_heck_cases(raw in "[a-zA-Z0-9 _.$-]{0,12}|\\PC{0,8}") {
            use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};
            let spelled = spell(&raw);
            proptest::prop_assert_eq!(snake(&raw), finish(spelled.to_snake_case(), "_", "value"));
            proptest::prop_assert_eq!(pascal(&raw), finish(spelled.to_pascal_case(), "V", "Value"));
            proptest::prop_assert_eq!(shouty(&raw), finish(spelled.to_shouty_snake_case(), "V", "VALUE"));
        }
    }

    #[test]
    fn cases_and_keywords() {
        assert_eq!(snake("clientId"), "client_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("gen"), "gen_");
        assert_eq!(snake("@1x"), "_1x");
        assert_eq!(snake("$canEdit"), "can_edit");
        assert_eq!(pascal("Token Error Response"), "TokenErrorResponse");
        assert_eq!(pascal("Self"), "Self_");
        assert_eq!(pascal("issuing.card"), "IssuingCard");
        assert_eq!(shouty("Guild Text"), "GUILD_TEXT");
    }

    #[test]
    fn odd_enum_values_get_names() {
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("1MONTHLY"), "V1monthly");
        assert_eq!(pascal("<="), "LtEq");
        assert_eq!(pascal("<>"), "LtGt");
        assert_eq!(pascal("."), "Dot");
        assert_eq!(pascal("NOT LIKE"), "NotLike");
        assert_eq!(pascal("-1"), "Minus1");
        assert_eq!(snake(&"a".repeat(100_000)), "a".repeat(MAX_NAME_CHARS));
    }

    #[test]
    fn clashes_get_suffixes() {
        let mut names = Namespace::default();
        assert_eq!(names.unique("Error".into()), "Error");
        assert_eq!(names.unique("Error".into()), "Error2");
        assert_eq!(names.unique("foo_bar".into()), "foo_bar");
        assert_eq!(names.unique("foo_bar".into()), "foo_bar_2");
        assert_eq!(names.unique("type_".into()), "type_");
        assert_eq!(names.unique("type_".into()), "type_2");
        assert_eq!(names.unique("Self_".into()), "Self_");
        assert_eq!(names.unique("Self_".into()), "Self2");
        // A suffixed name taken on its own is skipped, before and after the stem's
        // suffixes started.
        assert_eq!(names.unique("Error3".into()), "Error3");
        assert_eq!(names.unique("Error".into()), "Error4");
        assert_eq!(names.unique("Error5".into()), "Error5");
        assert_eq!(names.unique("Error".into()), "Error6");
    }

    #[test]
    fn letters_outside_ascii_are_kept() {
        assert_eq!(pascal("ünknown"), "Unknown");
        assert_eq!(snake("Größe"), "grosse");
        assert_eq!(pascal("日本"), "U65e5U672c");
        assert_eq!(snake("prix_€"), "prix");
        assert_eq!(pascal("\u{202e}evil"), "Evil");
        assert_eq!(snake("\u{202e}"), "empty");
        assert_eq!(snake("a\u{1b}[31mb"), "a_31mb");
    }
}
