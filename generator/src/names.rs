//! Rust names for wire names: valid identifiers in the right case, keywords and
//! leading digits handled, clashes made unique. The wire name is kept beside the
//! Rust name (serde renames whenever they differ).

use std::collections::HashSet;

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

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
    finish(spell(raw).to_snake_case(), "_", "value")
}

/// `PascalCase` for types and enum variants.
pub fn pascal(raw: &str) -> String {
    finish(spell(raw).to_pascal_case(), "V", "Value")
}

/// `SCREAMING_SNAKE_CASE` for constants.
pub fn shouty(raw: &str) -> String {
    finish(spell(raw).to_shouty_snake_case(), "V", "VALUE")
}

/// Names made only of symbols (`<=`, `.`, `""`) are spelled out so they stay distinct;
/// a leading minus on a number (`-1`) is kept as a word.
fn spell(raw: &str) -> String {
    if raw.is_empty() {
        return "empty".to_owned();
    }
    if raw.chars().any(char::is_alphanumeric) {
        return match raw.strip_prefix('-') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("minus {rest}"),
            _ => raw.to_owned(),
        };
    }
    raw.chars().map(symbol_word).collect::<Vec<_>>().join(" ")
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

/// Makes `name` a valid identifier: non-empty, not starting with a digit, not a keyword.
fn finish(name: String, digit_prefix: &str, fallback: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
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
}

impl Namespace {
    /// Reserves names the scope already has (e.g. helper items of a module).
    pub fn with_reserved(names: &[&str]) -> Namespace {
        Namespace {
            taken: names.iter().map(|n| (*n).to_owned()).collect(),
        }
    }

    /// `name`, or `name` with the first free numeric suffix.
    pub fn unique(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.contains('_') || name.chars().all(|c| !c.is_uppercase()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{name}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn clashes_get_suffixes() {
        let mut names = Namespace::default();
        assert_eq!(names.unique("Error".into()), "Error");
        assert_eq!(names.unique("Error".into()), "Error2");
        assert_eq!(names.unique("foo_bar".into()), "foo_bar");
        assert_eq!(names.unique("foo_bar".into()), "foo_bar_2");
    }
}
