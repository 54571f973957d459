use super::*;

#[test]
fn date_times_read_rfc_3339_and_keep_their_text() {
    let cases = [
        ("1970-01-01T00:00:00Z", 0, 0, 0),
        ("2021-06-01T03:48:33.901Z", 1_622_519_313, 901_000_000, 0),
        (
            "2021-06-01T05:48:33.901+02:00",
            1_622_519_313,
            901_000_000,
            120,
        ),
        (
            "1969-12-31T23:59:59.999999999999-00:30",
            1_799,
            999_999_999,
            -30,
        ),
        ("2016-12-31T23:59:60Z", 1_483_228_799, 0, 0),
        ("2024-02-29t12:00:00z", 1_709_208_000, 0, 0),
    ];
    for (text, seconds, nanos, offset) in cases {
        let value: DateTime = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            (
                value.unix_timestamp(),
                value.nanosecond(),
                value.offset_minutes()
            ),
            (seconds, nanos, offset),
            "{text}"
        );
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            format!("\"{text}\"")
        );
    }
    for bad in [
        "2021-06-01",
        "2021-13-01T00:00:00Z",
        "2021-06-01T24:00:00Z",
        "2021-06-01T00:00:00",
        "2021-06-01T00:00:00.Z",
        "2021-06-01T00:00:00+2:00",
        "x",
    ] {
        assert!(bad.parse::<DateTime>().is_err(), "{bad}");
        assert!(
            serde_json::from_str::<DateTime>(&format!("\"{bad}\"")).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn date_times_convert_both_ways() {
    for seconds in [-86_401, -1, 0, 951_782_400, 4_102_444_800] {
        let value = DateTime::from_unix(seconds, 5_000).unwrap();
        let again: DateTime = value.as_str().parse().unwrap();
        assert_eq!(
            (again.unix_timestamp(), again.nanosecond()),
            (seconds, 5_000),
            "{value}"
        );
        assert_eq!(
            DateTime::from_system_time(value.to_system_time()).unwrap(),
            value
        );
    }
    assert_eq!(
        DateTime::from_unix(951_782_400, 0).unwrap().as_str(),
        "2000-02-29T00:00:00Z"
    );
    assert!(DateTime::now().unix_timestamp() > 1_700_000_000);
}

#[test]
fn dates_must_exist() {
    let leap: Date = "2000-02-29".parse().unwrap();
    assert_eq!(
        (
            leap.year(),
            leap.month(),
            leap.day(),
            leap.days_since_epoch()
        ),
        (2000, 2, 29, 11_016)
    );
    for bad in [
        "1900-02-29",
        "2021-04-31",
        "2021-00-10",
        "21-01-01",
        "2021-1-01",
    ] {
        assert!(bad.parse::<Date>().is_err(), "{bad}");
    }
    assert!(Date::from_ymd(2021, 4, 30).unwrap() < Date::from_ymd(2021, 5, 1).unwrap());
}

#[test]
fn uuids_and_base64() {
    let upper: Uuid = "3FA85F64-5717-4562-B3FC-2C963F66AFA6".parse().unwrap();
    let lower = Uuid::from_bytes(*upper.as_bytes());
    assert_eq!(lower.as_str(), "3fa85f64-5717-4562-b3fc-2c963f66afa6");
    assert_eq!(upper, lower);
    assert_eq!(upper.to_string(), "3FA85F64-5717-4562-B3FC-2C963F66AFA6");
    for bad in [
        "3fa85f64571745 62b3fc2c963f66afa6",
        "3fa85f64-5717-4562-b3fc-2c963f66afag",
        "",
    ] {
        assert!(bad.parse::<Uuid>().is_err(), "{bad}");
    }
    let bytes: Base64 = serde_json::from_str("\"aGVsbG8\"").unwrap();
    assert_eq!(bytes.as_bytes(), b"hello");
    assert_eq!(serde_json::to_string(&bytes).unwrap(), "\"aGVsbG8\"");
    assert_eq!(Base64::from_bytes(*b"hello").as_str(), "aGVsbG8=");
    assert!("not base64!".parse::<Base64>().is_err());
}
