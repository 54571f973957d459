//! Text from documents made safe as Rust documentation. Descriptions are untrusted:
//! rustdoc compiles and runs every Rust code block of a doc comment as a doctest, renders
//! raw HTML, resolves `[Name]` as a link to a Rust item and rejects bidi or lone `\r`
//! characters in comments. So, reading the Markdown as rustdoc does (pulldown-cmark):
//!
//! * every code block becomes a ```` ```text ```` block (indented blocks are fenced),
//!   so nothing is ever compiled;
//! * raw HTML is escaped and shows as text;
//! * links that are not absolute `http(s)`/`mailto` URLs keep only their text, lone
//!   brackets are escaped and bare URLs become autolinks, so rustdoc finds no broken
//!   link;
//! * control, bidi and line-separator characters are removed or turned into newlines.
//!
//! The result is parsed again and checked; if anything still slipped through, the whole
//! text becomes one `text` block.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::text::is_invisible;

/// Lines of documentation from untrusted Markdown.
pub fn sanitize(text: &str) -> Vec<String> {
    let text = clean_chars(text);
    if is_plain(&text) {
        return lines(&text);
    }
    // Escaping an HTML block turns its text into Markdown of its own (links, code,
    // brackets, bare URLs in its attributes): more passes, until one changes nothing.
    // A text the first pass leaves as it is needs no second.
    let mut rewritten = rewrite(&text);
    if rewritten != text {
        for _ in 0..3 {
            let again = rewrite(&rewritten);
            if again == rewritten {
                break;
            }
            rewritten = again;
        }
    }
    let safe = if is_safe(&rewritten) {
        rewritten
    } else {
        fenced_text(&text)
    };
    lines(&safe)
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end().to_owned()).collect()
}

/// Text with nothing the Markdown reading would change or reject: every code block,
/// HTML, link and bracket needs one of `` ` ``, `~`, `<`, `[`, `]` or four spaces of
/// indentation (tabs are spaces by now), and a bare URL needs `://`. Most descriptions
/// are such plain prose, and skip the parser.
fn is_plain(text: &str) -> bool {
    !text
        .bytes()
        .any(|b| matches!(b, b'`' | b'~' | b'<' | b'[' | b']'))
        && !text.contains("    ")
        && !text.contains("://")
}

/// An inline code span showing `value` verbatim (document values inside our own text).
pub fn code_span(value: &str) -> String {
    let value = clean_chars(value).replace('\n', " ");
    let fence = "`".repeat(longest_run(&value, '`') + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{value}{pad}{fence}")
}

/// Newlines normalized, tabs expanded; control, bidi and invisible direction marks
/// removed.
fn clean_chars(text: &str) -> String {
    // Most descriptions are printable ASCII and lines: nothing to change.
    if text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return text.to_owned();
    }
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if c.is_control() || is_invisible(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn options() -> Options {
    // What rustdoc enables.
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// One replacement of a source range.
struct Edit {
    range: Range<usize>,
    text: String,
}

fn rewrite(text: &str) -> String {
    let mut edits = Vec::new();
    let mut links: Vec<(Range<usize>, bool)> = Vec::new();
    let mut link_text: Option<Range<usize>> = None;
    let mut in_link = 0usize;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                edits.push(fence_info(text, range.start));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                edits.extend(fence_indented(text, range));
            }
            Event::Html(_) | Event::InlineHtml(_) => edits.push(Edit {
                text: text[range.clone()].replace('<', "&lt;"),
                range,
            }),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => {
                let keep = is_absolute(&dest_url) || is_autolink(link_type);
                links.push((range, keep));
                link_text = None;
                in_link += 1;
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                in_link = in_link.saturating_sub(1);
                if let Some((whole, false)) = links.pop() {
                    edits.extend(unwrap_link(whole, link_text.take()));
                }
            }
            Event::Text(shown) => {
                if in_link > 0 {
                    let start = link_text.as_ref().map_or(range.start, |r| r.start);
                    link_text = Some(start..range.end);
                }
                // Only text that stands in the source as it is shown (no escapes or entities).
                if &text[range.clone()] == shown.as_ref() {
                    let escaped = escape_text(&shown, in_link == 0);
                    if escaped != shown.as_ref() {
                        edits.push(Edit {
                            range,
                            text: escaped,
                        });
                    }
                }
            }
            Event::Code(_) | Event::SoftBreak | Event::HardBreak if in_link > 0 => {
                let start = link_text.as_ref().map_or(range.start, |r| r.start);
                link_text = Some(start..range.end);
            }
            _ => {}
        }
    }
    apply(text, edits)
}

/// The info string of a fenced block (starting at `start`) becomes `text`.
fn fence_info(text: &str, start: usize) -> Edit {
    let rest = &text[start..];
    let marker = rest.chars().next().unwrap_or('`');
    let fence_len = rest.len() - rest.trim_start_matches(marker).len();
    let line_end = rest.find('\n').map_or(text.len(), |i| start + i);
    Edit {
        range: start + fence_len..line_end,
        text: "text".to_owned(),
    }
}

/// An indented code block is wrapped in a ```` ```text ```` fence written at its
/// container's indentation (the code keeps its own four spaces inside).
fn fence_indented(text: &str, range: Range<usize>) -> Vec<Edit> {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..range.start];
    let Some(container) = prefix.strip_suffix("    ") else {
        // Not the shape expected; the final check falls back to a plain text block.
        return Vec::new();
    };
    let container = container.to_owned();
    let close = if text[..range.end].ends_with('\n') || range.end == 0 {
        format!("{container}```\n")
    } else {
        format!("\n{container}```\n")
    };
    vec![
        Edit {
            range: line_start..line_start,
            text: format!("{container}```text\n"),
        },
        Edit {
            range: range.end..range.end,
            text: close,
        },
    ]
}

fn is_absolute(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

fn is_autolink(link_type: LinkType) -> bool {
    matches!(link_type, LinkType::Autolink | LinkType::Email)
}

/// Keeps a link's text, dropping its brackets and destination.
fn unwrap_link(whole: Range<usize>, inner: Option<Range<usize>>) -> Vec<Edit> {
    let Some(inner) = inner.filter(|i| whole.start <= i.start && i.end <= whole.end) else {
        // A link without text: drop it whole.
        return vec![Edit {
            range: whole,
            text: String::new(),
        }];
    };
    vec![
        Edit {
            range: whole.start..inner.start,
            text: String::new(),
        },
        Edit {
            range: inner.end..whole.end,
            text: String::new(),
        },
    ]
}

/// Escapes lone brackets (rustdoc would take `[Name]` for a link to a Rust item) and,
/// outside links, wraps bare URLs in `<…>`. Brackets become character references, which
/// show the same and, unlike `\[`, stay as they are when the text is read again (a
/// later pass over an escaped HTML block).
fn escape_text(shown: &str, wrap_urls: bool) -> String {
    let escaped = shown.replace('[', "&#91;").replace(']', "&#93;");
    if wrap_urls {
        autolink_urls(&escaped)
    } else {
        escaped
    }
}

fn autolink_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        out.push_str(&rest[..start]);
        let url = &rest[start..];
        let len = url
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`' | '\\'))
            .unwrap_or(url.len());
        let url = url[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '*', '_']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &rest[start + url.len()..];
    }
    out.push_str(rest);
    out
}

fn find_url(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    ["https://", "http://"]
        .iter()
        .filter_map(|scheme| lower.find(scheme))
        .min()
        // `scheme://` alone is no URL.
        .filter(|&start| {
            let after = &lower[start..];
            let scheme_len = if after.starts_with("https") { 8 } else { 7 };
            after[scheme_len..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric())
        })
}

fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + edits.len() * 8);
    let mut at = 0;
    for edit in edits {
        if edit.range.start < at {
            // Overlapping edits: the final check decides.
            continue;
        }
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// No code block but `text` ones, no raw HTML, no link rustdoc would resolve.
fn is_safe(text: &str) -> bool {
    Parser::new_ext(text, options()).all(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info.as_ref() == "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => false,
        Event::Html(_) | Event::InlineHtml(_) => false,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            ..
        }) => is_absolute(&dest_url) || is_autolink(link_type),
        _ => true,
    })
}

/// The whole text as one `text` block, fenced longer than any backtick run inside.
fn fenced_text(text: &str) -> String {
    let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
    format!("{fence}text\n{text}\n{fence}")
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for ch in text.chars() {
        current = if ch == c { current + 1 } else { 0 };
        longest = longest.max(current);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> String {
        sanitize(text).join("\n")
    }

    #[test]
    fn fenced_blocks_become_text() {
        assert_eq!(
            joined("Run:\n```\nstd::process::exit(1);\n```"),
            "Run:\n```text\nstd::process::exit(1);\n```"
        );
        assert_eq!(joined("~~~~ rust,no_run\nx\n~~~~"), "~~~~text\nx\n~~~~");
        assert_eq!(joined("> ```rust\n> x\n> ```"), "> ```text\n> x\n> ```");
    }

    #[test]
    fn indented_blocks_are_fenced() {
        assert_eq!(
            joined("Example:\n\n    let x = 1;\n    run(x);\n\nAfter."),
            "Example:\n\n```text\n    let x = 1;\n    run(x);\n```\n\nAfter."
        );
        assert_eq!(
            joined("- item\n\n      code()\n"),
            "- item\n\n  ```text\n      code()\n  ```"
        );
        assert_eq!(joined("    only code"), "```text\n    only code\n```");
    }

    #[test]
    fn markdown_inside_an_html_block_is_made_safe_too() {
        assert_eq!(
            joined("<script>x</script> and [a](B) https://e.com"),
            "&lt;script>x&lt;/script> and a <https://e.com>"
        );
    }

    #[test]
    fn text_inside_escaped_html_blocks_is_made_safe() {
        let text = joined(
            "<p>Use the <a href=\"https://dashboard.example.com/account\">Dashboard</a>; \
             values become <code>[redacted]</code>.</p>",
        );
        assert!(
            text.contains("<https://dashboard.example.com/account>"),
            "{text}"
        );
        assert!(text.contains("&#91;redacted&#93;"), "{text}");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            joined("a <script>alert(1)</script> List<String>"),
            "a &lt;script>alert(1)&lt;/script> List&lt;String>"
        );
        assert_eq!(joined("<div>\nx\n</div>"), "&lt;div>\nx\n&lt;/div>");
    }

    #[test]
    fn links_rustdoc_would_resolve_keep_their_text() {
        assert_eq!(
            joined("See [Datetime] or [x][y]."),
            "See &#91;Datetime&#93; or &#91;x&#93;&#91;y&#93;."
        );
        assert_eq!(joined("See [the guide](#guide)."), "See the guide.");
        assert_eq!(joined("See [`Foo`](Foo)."), "See `Foo`.");
        assert_eq!(
            joined("See [docs](https://example.com/a)."),
            "See [docs](https://example.com/a)."
        );
        assert_eq!(joined("[](nothing)"), "");
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            joined("Docs: https://example.com/x. And <https://a.b>."),
            "Docs: <https://example.com/x>. And <https://a.b>."
        );
        assert_eq!(joined("only http:// here"), "only http:// here");
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        assert_eq!(sanitize("a\rb \u{202e}c\u{7}d\u{2066}"), vec!["a", "b cd"]);
        assert_eq!(sanitize("x\r\ny\ttab"), vec!["x", "y    tab"]);
    }

    #[test]
    fn code_spans_hold_any_value() {
        assert_eq!(code_span("https://x/{id}"), "`https://x/{id}`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
    }

    #[test]
    fn plain_text_reads_as_the_parser_would_read_it() {
        let texts = [
            "One line.",
            "Two\nlines   \n\nand a paragraph.",
            "- a\n-   b\n\n   c\n1. x\n   y",
            "> quoted\n> > nested   text",
            "*emph* _u_ **strong** # heading\n| a | b |\n|---|---|",
            "Entities &amp; &#91; escapes \\* smart \"quotes\" -- dashes...",
            "mailto:x@y.z and www.example.com and http:/one-slash",
        ];
        for text in texts {
            let text = clean_chars(text);
            assert!(is_plain(&text), "{text:?}");
            assert_eq!(rewrite(&text), text, "{text:?}");
            assert!(is_safe(&text), "{text:?}");
        }
        assert!(!is_plain("a\n\n    code"));
        assert!(!is_plain("see https://x.y"));
        assert!(!is_plain("-     code"));
    }

    #[test]
    fn every_output_is_safe() {
        let hostile = [
            "```\nx\n```\n    y\n<b>[z]</b>",
            "- a\n\n\t\tcode",
            "> > ```\n> > x",
            "``` ```\n```",
            "1. a\n\n       b\n\n   c",
        ];
        for text in hostile {
            let out = joined(text);
            assert!(is_safe(&out), "{text:?} gave {out:?}");
        }
    }
}
