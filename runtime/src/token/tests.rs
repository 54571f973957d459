use super::*;

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn parse(body: &str) -> Result<IssuedToken, TokenParseError> {
    IssuedToken::parse(body.as_bytes(), &TokenFields::SNAKE_CASE, now())
}

fn lifetime(body: &str) -> Option<Duration> {
    parse(body).unwrap().lifetime
}

#[test]
fn minimal_and_full_responses() {
    let t = parse(r#"{"access_token":"abc"}"#).unwrap();
    assert_eq!(t.access_token.expose_secret(), "abc");
    assert!(t.refresh_token.is_none());
    assert_eq!(t.lifetime, None);
    assert_eq!(t.scope, None);

    let t = parse(
        r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600,
            "refresh_token":"r1","scope":"read write"}"#,
    )
    .unwrap();
    assert_eq!(t.refresh_token.unwrap().expose_secret(), "r1");
    assert_eq!(t.lifetime, Some(Duration::from_secs(3600)));
    assert_eq!(t.scope.as_deref(), Some("read write"));
}

#[test]
fn camel_case_fields() {
    let t = IssuedToken::parse(
        br#"{"accessToken":"abc","tokenType":"bearer","expiresIn":"60","refreshToken":"r"}"#,
        &TokenFields::CAMEL_CASE,
        now(),
    )
    .unwrap();
    assert_eq!(t.access_token.expose_secret(), "abc");
    assert_eq!(t.lifetime, Some(Duration::from_secs(60)));
    assert!(t.refresh_token.is_some());
}

#[test]
fn nested_fields_by_pointer() {
    let fields = TokenFields {
        access_token: "/data/token",
        expires_in: Some("/data/ttl"),
        ..TokenFields::SNAKE_CASE
    };
    let t = IssuedToken::parse(br#"{"data":{"token":"abc","ttl":5}}"#, &fields, now()).unwrap();
    assert_eq!(t.access_token.expose_secret(), "abc");
    assert_eq!(t.lifetime, Some(Duration::from_secs(5)));
}

#[test]
fn token_type_casing_and_absence() {
    for tt in [
        r#""bearer""#,
        r#""Bearer""#,
        r#""BEARER""#,
        r#""bEaReR""#,
        r#"" Bearer ""#,
        "null",
    ] {
        let body = format!(r#"{{"access_token":"abc","token_type":{tt}}}"#);
        assert!(parse(&body).is_ok(), "{tt}");
    }
    assert!(parse(r#"{"access_token":"abc"}"#).is_ok());
}

#[test]
fn non_bearer_token_types_are_refused() {
    assert_eq!(
        parse(r#"{"access_token":"abc","token_type":"mac"}"#).unwrap_err(),
        TokenParseError::UnsupportedTokenType {
            token_type: "mac".into()
        }
    );
    assert!(matches!(
        parse(r#"{"access_token":"abc","token_type":"DPoP"}"#),
        Err(TokenParseError::UnsupportedTokenType { .. })
    ));
    assert!(matches!(
        parse(r#"{"access_token":"abc","token_type":1}"#),
        Err(TokenParseError::Malformed { path, .. }) if path == "token_type"
    ));
}

#[test]
fn expires_in_shapes() {
    let base = |v: &str| format!(r#"{{"access_token":"abc","expires_in":{v}}}"#);
    assert_eq!(lifetime(&base("3600")), Some(Duration::from_secs(3600)));
    assert_eq!(lifetime(&base("3600.0")), Some(Duration::from_secs(3600)));
    assert_eq!(
        lifetime(&base("3600.5")),
        Some(Duration::from_millis(3_600_500))
    );
    assert_eq!(
        lifetime(&base(r#""3600""#)),
        Some(Duration::from_secs(3600))
    );
    assert_eq!(
        lifetime(&base(r#"" 7.5 ""#)),
        Some(Duration::from_millis(7500))
    );
    assert_eq!(lifetime(&base("null")), None);
    assert_eq!(lifetime(r#"{"access_token":"abc"}"#), None);
    assert_eq!(lifetime(&base("0")), Some(Duration::ZERO));
    // Negative counts as 0; absurd values are clamped; unreadable ones are ignored.
    assert_eq!(lifetime(&base("-5")), Some(Duration::ZERO));
    assert_eq!(lifetime(&base("1e300")), Some(MAX_TOKEN_LIFETIME));
    assert_eq!(lifetime(&base("99999999999")), Some(MAX_TOKEN_LIFETIME));
    assert_eq!(lifetime(&base(r#""NaN""#)), None);
    assert_eq!(lifetime(&base(r#""inf""#)), None);
    assert_eq!(lifetime(&base(r#""soon""#)), None);
    assert_eq!(lifetime(&base("true")), None);
    assert_eq!(lifetime(&base("{}")), None);
}

#[test]
fn created_at_counts_lifetime_from_then() {
    let issued = 1_700_000_000 - 600; // ten minutes ago
    let body = format!(r#"{{"access_token":"abc","expires_in":7200,"created_at":{issued}}}"#);
    assert_eq!(lifetime(&body), Some(Duration::from_secs(6600)));
    // Float and string seconds, milliseconds, RFC 3339.
    let body = format!(r#"{{"access_token":"abc","expires_in":7200,"created_at":{issued}.0}}"#);
    assert_eq!(lifetime(&body), Some(Duration::from_secs(6600)));
    let body = format!(r#"{{"access_token":"abc","expires_in":7200,"created_at":"{issued}"}}"#);
    assert_eq!(lifetime(&body), Some(Duration::from_secs(6600)));
    let millis = u64::try_from(issued).unwrap() * 1000;
    let body = format!(r#"{{"access_token":"abc","expires_in":7200,"created_at":{millis}}}"#);
    assert_eq!(lifetime(&body), Some(Duration::from_secs(6600)));
    // 1_700_000_000 is 2023-11-14T22:13:20Z.
    let body = r#"{"access_token":"abc","expires_in":7200,"created_at":"2023-11-14T22:03:20Z"}"#;
    assert_eq!(lifetime(body), Some(Duration::from_secs(6600)));
    let body =
        r#"{"access_token":"abc","expires_in":7200,"created_at":"2023-11-14T23:03:20+01:00"}"#;
    assert_eq!(lifetime(body), Some(Duration::from_secs(6600)));
}

#[test]
fn created_at_in_the_future_or_too_old_is_harmless() {
    // Server clock ahead: the lifetime is not extended.
    let body = r#"{"access_token":"abc","expires_in":60,"created_at":1700000100}"#;
    assert_eq!(lifetime(body), Some(Duration::from_secs(60)));
    // Server clock far behind: a fresh token cannot be expired; created_at is ignored.
    let body = r#"{"access_token":"abc","expires_in":60,"created_at":1600000000}"#;
    assert_eq!(lifetime(body), Some(Duration::from_secs(60)));
    // Garbage created_at is ignored.
    let body = r#"{"access_token":"abc","expires_in":60,"created_at":"yesterday"}"#;
    assert_eq!(lifetime(body), Some(Duration::from_secs(60)));
    // created_at without expires_in: unknown lifetime.
    let body = r#"{"access_token":"abc","created_at":1700000000}"#;
    assert_eq!(lifetime(body), None);
}

#[test]
fn refresh_token_and_scope_shapes() {
    let t = parse(r#"{"access_token":"a","refresh_token":null}"#).unwrap();
    assert!(t.refresh_token.is_none());
    let t = parse(r#"{"access_token":"a","refresh_token":""}"#).unwrap();
    assert!(t.refresh_token.is_none());
    assert!(matches!(
        parse(r#"{"access_token":"a","refresh_token":5}"#),
        Err(TokenParseError::Malformed { path, .. }) if path == "refresh_token"
    ));
    let t = parse(r#"{"access_token":"a","scope":["read","write"]}"#).unwrap();
    assert_eq!(t.scope.as_deref(), Some("read write"));
    let t = parse(r#"{"access_token":"a","scope":7}"#).unwrap();
    assert_eq!(t.scope, None);
}

#[test]
fn malformed_bodies_are_errors_not_panics() {
    let cases: &[(&[u8], &str)] = &[
        (b"", ""),
        (b"   ", ""),
        (b"<html><body>Bad Gateway</body></html>", ""),
        (br#"{"access_token":"abc"#, ""),
        (b"[]", ""),
        (b"\"abc\"", ""),
        (b"null", ""),
        (b"\xff\xfe", ""),
        (br#"{"access_token":123}"#, "access_token"),
        (br#"{"access_token":""}"#, "access_token"),
        (br#"{"access_token":null}"#, "access_token"),
        (br#"{"token":"abc"}"#, "access_token"),
        (br#"{"access_token":"a\nb"}"#, "access_token"),
    ];
    for (body, want_path) in cases {
        match IssuedToken::parse(body, &TokenFields::SNAKE_CASE, now()) {
            Err(TokenParseError::Malformed { path, message }) => {
                assert_eq!(&path, want_path, "{}", String::from_utf8_lossy(body));
                assert!(!message.contains("abc"), "{message}");
            }
            other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
}

#[test]
fn debug_is_redacted() {
    let t = parse(r#"{"access_token":"sekrit-at","refresh_token":"sekrit-rt"}"#).unwrap();
    let shown = format!("{t:?}");
    assert!(!leaks(&shown, &t.access_token), "{shown}");
    assert!(!shown.contains("sekrit-rt"), "{shown}");
}

#[test]
fn rfc3339() {
    let at = |s: &str| {
        parse_rfc3339(s).map(|t| {
            t.duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs_f64()
        })
    };
    assert_eq!(at("1970-01-01T00:00:00Z"), Some(0.0));
    assert_eq!(at("2023-11-14T22:13:20Z"), Some(1_700_000_000.0));
    assert_eq!(at("2023-11-14t22:13:20z"), Some(1_700_000_000.0));
    assert_eq!(at("2023-11-14 22:13:20Z"), Some(1_700_000_000.0));
    assert_eq!(at("2023-11-14T22:13:20.250Z"), Some(1_700_000_000.25));
    assert_eq!(at("2023-11-14T23:13:20+01:00"), Some(1_700_000_000.0));
    assert_eq!(at("2023-11-14T21:13:20-01:00"), Some(1_700_000_000.0));
    assert_eq!(at("2024-02-29T00:00:00Z"), Some(1_709_164_800.0));
    assert!(parse_rfc3339("1969-12-31T23:59:59Z").is_some());
    for bad in [
        "",
        "2023-11-14",
        "2023-11-14T22:13:20",
        "2023-13-14T22:13:20Z",
        "2023-02-29T00:00:00Z",
        "2023-11-14T24:00:00Z",
        "2023-11-14T22:13:20.Z",
        "2023-11-14T22:13:20+0100",
        "2023-11-14T22:13:20+01:60",
        "2023/11/14T22:13:20Z",
        "２０２３-11-14T22:13:20Z",
    ] {
        assert_eq!(at(bad), None, "{bad}");
    }
}
