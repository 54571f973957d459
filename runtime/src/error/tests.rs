use super::*;

fn status_error(status: u16, body: &str) -> Error<String> {
    Error::new(
        ErrorKind::Status {
            status: StatusCode::from_u16(status).unwrap(),
            documented: None,
            body: RawBody::new(body.to_owned(), false),
        },
        Origin::TokenEndpoint,
    )
}

#[test]
fn status_display_is_useful() {
    let e = status_error(401, r#"{"message":"Unauthorized"}"#);
    assert_eq!(
        e.to_string(),
        r#"token endpoint answered 401 Unauthorized: {"message":"Unauthorized"}"#
    );
    let e = status_error(502, "").with_attempts(3);
    assert_eq!(
        e.to_string(),
        "token endpoint answered 502 Bad Gateway: (empty body) (after 3 attempts)"
    );
}

#[test]
fn long_bodies_are_cut_for_display_but_kept() {
    let body = "x".repeat(10_000);
    let e = status_error(500, &body);
    let shown = e.to_string();
    assert!(shown.len() < 4200, "{}", shown.len());
    assert!(shown.contains("(10000 bytes read)"));
    assert_eq!(e.body().unwrap().as_bytes().len(), 10_000);
}

#[test]
fn display_cut_respects_utf8() {
    let body = "é".repeat(3000); // 6000 bytes, the cut falls inside a character
    let raw = RawBody::new(body, true);
    let shown = raw.to_string();
    assert!(
        shown.ends_with("(6000 bytes read, more not read)"),
        "{shown}"
    );
}

#[test]
fn grant_refusal() {
    assert!(status_error(400, "{}").is_grant_refused());
    assert!(status_error(401, "{}").is_grant_refused());
    assert!(status_error(403, r#"{"error":"invalid_grant"}"#).is_grant_refused());
    assert!(!status_error(403, "{}").is_grant_refused());
    assert!(!status_error(500, "{}").is_grant_refused());
}

#[test]
fn accessors_and_mapping() {
    let e: Error<u8> = Error::new(
        ErrorKind::Status {
            status: StatusCode::BAD_REQUEST,
            documented: Some(7),
            body: RawBody::new("seven", false),
        },
        Origin::Api,
    );
    assert_eq!(e.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(e.documented(), Some(&7));
    assert_eq!(e.body().unwrap().text(), "seven");
    assert_eq!(e.origin(), Origin::Api);
    let mapped = e.map_documented(|n| n.to_string());
    assert_eq!(mapped.documented().map(String::as_str), Some("7"));
    assert!(
        mapped
            .to_string()
            .starts_with("API answered 400 Bad Request")
    );
}

#[test]
fn http_error_converts_with_question_mark() {
    fn inner() -> Result<(), HttpError> {
        Err(ConfigError::UrlHasCredentials.into())
    }
    fn outer() -> Result<(), Error<String>> {
        inner()?;
        Ok(())
    }
    let e = outer().unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::Config(ConfigError::UrlHasCredentials)
    ));
    assert!(std::error::Error::source(&e).is_some());
}
