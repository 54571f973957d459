use super::yaml::MAX_DEPTH;
use super::*;
use serde_json::json;

fn yaml(text: &str) -> Value {
    match parse(text, Format::Yaml) {
        Ok(value) => value,
        Err(error) => panic!("{text:?} failed: {error:?}"),
    }
}

fn yaml_error(text: &str) -> SyntaxError {
    match parse(text, Format::Yaml) {
        Ok(value) => panic!("{text:?} parsed as {value}"),
        Err(error) => error,
    }
}

fn pos(line: u32, column: u32) -> Option<Position> {
    Some(Position { line, column })
}

#[test]
fn format_from_extension() {
    assert_eq!(Format::from_path(Path::new("a/spec.json")), Format::Json);
    assert_eq!(Format::from_path(Path::new("spec.JSON")), Format::Json);
    assert_eq!(Format::from_path(Path::new("spec.yml")), Format::Yaml);
    assert_eq!(Format::from_path(Path::new("spec")), Format::Yaml);
}

#[test]
fn plain_scalars_follow_the_core_schema() {
    let cases = [
        ("~", json!(null)),
        ("null", json!(null)),
        ("NULL", json!(null)),
        ("", json!(null)),
        ("true", json!(true)),
        ("False", json!(false)),
        ("TRUE", json!(true)),
        ("yes", json!("yes")),
        ("42", json!(42)),
        ("-17", json!(-17)),
        ("+5", json!(5)),
        ("0755", json!(755)),
        ("0o17", json!(15)),
        ("0x1F", json!(31)),
        ("0xg", json!("0xg")),
        ("18446744073709551615", json!(u64::MAX)),
        ("99999999999999999999", json!(1e20)),
        ("1.5", json!(1.5)),
        ("-1e3", json!(-1000.0)),
        (".5", json!(0.5)),
        ("-.5", json!(-0.5)),
        ("1.e2", json!(100.0)),
        ("1e", json!("1e")),
        (".", json!(".")),
        ("1.", json!(1.0)),
        ("1e400", json!("1e400")),
        (".inf", json!(".inf")),
        ("-.Inf", json!("-.Inf")),
        (".nan", json!(".nan")),
        ("inf", json!("inf")),
        ("1_000", json!("1_000")),
        ("2024-01-01", json!("2024-01-01")),
        ("hello world", json!("hello world")),
    ];
    for (text, expected) in cases {
        assert_eq!(
            yaml(&format!("v: {text}")),
            json!({ "v": expected }),
            "{text:?}"
        );
    }
}

#[test]
fn quoted_and_block_scalars_stay_strings() {
    let text = "a: '1'\nb: \"2.5\"\nc: 'true'\nd: |\n  3\ne: >\n  null\n";
    let expected = json!({"a": "1", "b": "2.5", "c": "true", "d": "3\n", "e": "null\n"});
    assert_eq!(yaml(text), expected);
}

#[test]
fn core_tags_are_honoured() {
    let text = "- !!str 3\n- !!int '4'\n- !!float 5\n- !!bool 'true'\n- !!null ''\n- !!float .inf\n- !custom 7";
    assert_eq!(yaml(text), json!(["3", 4, 5.0, true, null, ".inf", 7]));
    let error = yaml_error("a: !!int x");
    assert_eq!(error.position, pos(1, 4));
    assert!(error.message.contains("!!int"), "{}", error.message);
}

#[test]
fn mapping_keys_are_always_strings() {
    let text = "responses:\n  200:\n    description: OK\n  4XX: {}\n  true: 1\n  ~: 2\n  1.5: 3";
    let expected = json!({"responses": {
        "200": {"description": "OK"}, "4XX": {}, "true": 1, "~": 2, "1.5": 3
    }});
    assert_eq!(yaml(text), expected);
}

#[test]
fn non_scalar_keys_are_errors() {
    assert_eq!(yaml_error("? [a]\n: 1").position, pos(1, 3));
    assert_eq!(yaml_error("{{a: 1}: 2}").position, pos(1, 2));
}

#[test]
fn aliases_copy_anchored_values() {
    let text =
        "base: &b {x: 1, y: [2]}\nuse: *b\nname: &n 200\ncopy: *n\nkey: &k status\n*k : ok\n";
    let expected = json!({
        "base": {"x": 1, "y": [2]}, "use": {"x": 1, "y": [2]},
        "name": 200, "copy": 200, "key": "status", "status": "ok"
    });
    assert_eq!(yaml(text), expected);
}

#[test]
fn merge_keys_supply_missing_keys() {
    let text = "base: &b {type: object, description: base, x: 1}\nother: &o {y: 2, x: 3}\nuse:\n  <<: *b\n  description: own\nboth:\n  <<: [*b, *o]\n  z: 4\nquoted:\n  '<<': 5\n";
    let value = yaml(text);
    assert_eq!(
        value["use"],
        json!({"description": "own", "type": "object", "x": 1})
    );
    assert_eq!(
        value["both"],
        json!({"z": 4, "type": "object", "description": "base", "x": 1, "y": 2})
    );
    assert_eq!(value["quoted"], json!({"<<": 5}));
    assert!(yaml_error("a:\n  <<: 5\n").message.contains("merge key"));
}

#[test]
fn bad_aliases_are_errors() {
    assert_eq!(yaml_error("a: *missing").position, pos(1, 4));
    // An alias inside its own anchor would be an infinite tree.
    assert_eq!(yaml_error("a: &x [1, *x]").position, pos(1, 11));
}

#[test]
fn aliases_cannot_nest_past_the_limit() {
    let half = MAX_DEPTH / 2 + 1;
    let text = format!(
        "a: &a {}{}\nb: {}*a{}",
        "[".repeat(half),
        "]".repeat(half),
        "[".repeat(half),
        "]".repeat(half)
    );
    let error = yaml_error(&text);
    assert_eq!(error.position, pos(2, half as u32 + 4));
}

#[test]
fn alias_bombs_are_errors() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        let items = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    assert!(yaml_error(&text).message.contains("aliases"));
}

#[test]
fn duplicate_keys_are_errors_at_the_second_key() {
    let error = yaml_error("paths:\n  /a: 1\n  /b: 2\n  /a: 3\n");
    assert_eq!(error.position, pos(4, 3));
    assert!(error.message.contains("`/a`"), "{}", error.message);
}

#[test]
fn bad_indentation_reports_its_line() {
    let error = yaml_error("info:\n  title: x\n version: 1\n");
    assert_eq!(error.position.map(|p| p.line), Some(3));
}

#[test]
fn only_the_first_document_is_read() {
    assert_eq!(yaml("a: 1\n---\nb: [\n"), json!({"a": 1}));
    assert_eq!(yaml("---\n...\n---\na: 1"), json!(null));
    assert_eq!(yaml(""), json!(null));
    assert_eq!(yaml("# only a comment\n"), json!(null));
}

#[test]
fn json_errors_report_character_columns() {
    let error = match parse("{\n  \"é\": 1 x\n}", Format::Json) {
        Ok(value) => panic!("parsed as {value}"),
        Err(error) => error,
    };
    assert_eq!(error.position, pos(2, 10));
    assert_eq!(error.message, "expected `,` or `}`");
}

#[test]
fn json_and_yaml_build_the_same_tree() {
    let text = r#"{"a": [1, -2.5, true, null, "3"], "b": {"~/": "\u00e9"}}"#;
    assert_eq!(parse(text, Format::Json), parse(text, Format::Yaml));
    assert_eq!(parse("\u{feff}[1]", Format::Json), Ok(json!([1])));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let flow = "[".repeat(100_000);
    assert!(parse(&flow, Format::Yaml).is_err());
    assert!(parse(&format!("{flow}{}", "]".repeat(100_000)), Format::Yaml).is_err());
    assert!(parse(&flow, Format::Json).is_err());
    let block = format!("{}x", "- ".repeat(100_000));
    let error = yaml_error(&block);
    assert_eq!(error.position, pos(1, 2 * MAX_DEPTH as u32 + 1));
    let limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&limit, Format::Yaml).is_ok());
}

const YAML: &str = "\
openapi: 3.0.0
paths:
  /oauth/token:
    post:
      responses:
        200: {description: ok}
  a~b:
    tags:
      - one
      - name: two
";

const JSON: &str = r#"{
  "openapi": "3.0.0",
  "paths": {
    "/oauth/token": {
      "post": {"responses": {"200": {"description": "ok"}}}
    },
    "a~b": {
	"tags": ["one", {"name":	"two"}]
    }
  }
}"#;

fn located(text: &str, format: Format) -> HashMap<String, Position> {
    let pointers = [
        "",
        "/paths",
        "/paths/~1oauth~1token/post",
        "/paths/~1oauth~1token/post/responses/200/description",
        "/paths/a~0b/tags/1",
        "/paths/a~0b/tags/1/name",
        "/paths/~1oauth~1token/get",
        "/paths/a~0b/tags/2",
        "/paths/a~b",
    ];
    locate(text, format, &pointers)
}

fn at(line: u32, column: u32) -> Position {
    Position { line, column }
}

#[test]
fn locate_in_yaml() {
    let expected = HashMap::from([
        (String::new(), at(1, 1)),
        ("/paths".to_owned(), at(2, 1)),
        ("/paths/~1oauth~1token/post".to_owned(), at(4, 5)),
        (
            "/paths/~1oauth~1token/post/responses/200/description".to_owned(),
            at(6, 15),
        ),
        ("/paths/a~0b/tags/1".to_owned(), at(10, 9)),
        ("/paths/a~0b/tags/1/name".to_owned(), at(10, 9)),
    ]);
    assert_eq!(located(YAML, Format::Yaml), expected);
}

#[test]
fn locate_in_json() {
    let expected = HashMap::from([
        (String::new(), at(1, 1)),
        ("/paths".to_owned(), at(3, 3)),
        ("/paths/~1oauth~1token/post".to_owned(), at(5, 7)),
        ("/paths/a~0b/tags/1".to_owned(), at(8, 18)),
        ("/paths/a~0b/tags/1/name".to_owned(), at(8, 19)),
        (
            "/paths/~1oauth~1token/post/responses/200/description".to_owned(),
            at(5, 38),
        ),
    ]);
    assert_eq!(located(JSON, Format::Json), expected);
}

#[test]
fn locate_survives_json_that_yaml_rejects() {
    let text = "{\"s\": \"\\ud83d\\ude00 \\\\ud83d\",\n\"a\":\t1}";
    assert_eq!(
        locate(text, Format::Json, &["/a"]),
        HashMap::from([("/a".to_owned(), at(2, 1))])
    );
}

#[test]
fn locate_keeps_what_precedes_an_error() {
    let found = locate("a: 1\nb: [\n", Format::Yaml, &["/a", "/b", "/c"]);
    assert_eq!(found.get("/a"), Some(&at(1, 1)));
    assert_eq!(found.get("/c"), None);
}

#[test]
fn locate_handles_deep_nesting() {
    // saphyr stops flow nesting at 255 levels; block nesting is unbounded.
    let flow = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let deep = "/0".repeat(150);
    let found = locate(&flow, Format::Json, &["/0/0", &deep, "/1"]);
    assert_eq!(found.get("/0/0"), Some(&at(1, 3)));
    assert_eq!(found.get(deep.as_str()), Some(&at(1, 151)));
    assert_eq!(found.get("/1"), None);
    assert!(locate(&"[".repeat(100_000), Format::Json, &["/0"]).len() <= 1);
    let block = format!("{}x", "- ".repeat(100_000));
    let found = locate(&block, Format::Yaml, &[&deep, "/1"]);
    assert_eq!(found.get(deep.as_str()), Some(&at(1, 301)));
    assert_eq!(found.get("/1"), None);
}

#[test]
fn locate_in_json_reads_escaped_keys_and_skips_what_it_does_not_enter() {
    // Keys with escapes (a `\/`, a non-ASCII letter, a surrogate pair), a tab after
    // `:`, and skipped collections holding brackets and quotes inside strings.
    let text = "\u{feff}{\"skip\": {\"x\": \"}]\\\"{\", \"y\": [[{}]]},\n\"a\\/b\":\t{\"caf\\u00e9\": 1, \"\\ud83d\\ude00\": [true, {\"k\": null}]}}";
    let found = locate(
        text,
        Format::Json,
        &[
            "/a~1b",
            "/a~1b/café",
            "/a~1b/😀/1/k",
            "/a~1b/😀/0",
            "/skip/y/0",
        ],
    );
    let at = |line, column| Position { line, column };
    assert_eq!(found["/a~1b"], at(2, 1));
    assert_eq!(found["/a~1b/café"], at(2, 10));
    assert_eq!(found["/a~1b/😀/0"], at(2, 43));
    assert_eq!(found["/a~1b/😀/1/k"], at(2, 50));
    assert_eq!(found["/skip/y/0"], at(1, 31));
}

#[test]
fn locate_in_malformed_json_keeps_what_precedes_the_error() {
    let found = locate(
        "{\"a\": 1, \"b\": \"never closed",
        Format::Json,
        &["/a", "/b", "/c"],
    );
    assert_eq!(found.get("/a"), Some(&Position { line: 1, column: 2 }));
    assert!(!found.contains_key("/c"));
    for text in [
        "]]]}}",
        "{\"a\": [",
        "\"",
        "{\"a\\",
        "\\u",
        "{\"\\ud800\": 1}",
    ] {
        let _ = locate(text, Format::Json, &["/a", "/a/0", "/\u{fffd}"]);
    }
}

#[test]
fn json_reads_as_serde_json_reads_it() {
    let text = r#"{"b": [1, -2, 18446744073709551615, 1.5, 1e300, "x\u00e9", null, true, {}],
        "a": {"k": 1, "j": 2}, "": []}"#;
    let ours = parse(text, Format::Json).expect("valid JSON");
    let theirs: Value = serde_json::from_str(text).expect("valid JSON");
    assert_eq!(ours, theirs);
    let order: Vec<&String> = ours.as_object().map(|m| m.keys().collect()).unwrap();
    assert_eq!(order, ["b", "a", ""]);
}

#[test]
fn duplicate_json_keys_are_errors_where_the_object_ends() {
    let error = parse("{\"a\": {\"k\": 1,\n \"k\": 2}}", Format::Json).unwrap_err();
    assert!(
        error.message.contains("duplicate key `k`"),
        "{}",
        error.message
    );
    assert_eq!(error.position.map(|p| p.line), Some(2));
    let escaped = parse(r#"{"k": 1, "\u006b": 2}"#, Format::Json).unwrap_err();
    assert!(escaped.message.contains("`k`"), "{}", escaped.message);
}

#[test]
fn json_nesting_stops_at_the_limit() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(parse(&nested(MAX_DEPTH - 1), Format::Json).is_ok());
    let error = parse(&nested(MAX_DEPTH + 1), Format::Json).unwrap_err();
    assert!(
        error.message.contains("recursion limit"),
        "{}",
        error.message
    );
    assert!(parse(&nested(100_000), Format::Json).is_err());
}
