//! `multipart/form-data` bodies.

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

/// A `multipart/form-data` body, built part by part.
///
/// ```
/// use auth_runtime::Multipart;
///
/// let form = Multipart::new()
///     .text("name", "Tom")
///     .value("tags", &["cat", "indoor"]) // one part per item
///     .json("owner", &serde_json::json!({ "id": 7 })) // `application/json`
///     .file("photo", "tom.png", "image/png", b"\x89PNG".to_vec());
/// // Or every property of a value as a part:
/// let same = Multipart::of_value(&serde_json::json!({ "name": "Tom", "tags": ["cat"] }));
/// # let _ = (form, same);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Bytes,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Every property of an object as a part (a value without properties is one part
    /// named `value`).
    pub fn of_value<T: Serialize + ?Sized>(value: &T) -> Multipart {
        match serde_json::to_value(value) {
            Ok(Value::Object(map)) => map.iter().fold(Multipart::new(), |form, (name, value)| {
                form.value(name, value)
            }),
            Ok(other) => Multipart::new().value("value", &other),
            Err(_) => Multipart::new(),
        }
    }

    /// A text part.
    pub fn text(self, name: &str, value: &str) -> Multipart {
        self.part(name, None, None, Bytes::copy_from_slice(value.as_bytes()))
    }

    /// A part holding a value: strings, numbers and booleans as text, objects as JSON,
    /// arrays as one part per item (OpenAPI's default for each).
    pub fn value<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Multipart {
        match serde_json::to_value(value) {
            Ok(Value::String(text)) => self.text(name, &text),
            Ok(Value::Null) | Err(_) => self,
            Ok(scalar @ (Value::Bool(_) | Value::Number(_))) => {
                self.text(name, &scalar.to_string())
            }
            // An array is one part per item under the same name (as files are).
            Ok(Value::Array(items)) => items.iter().fold(self, |form, item| form.value(name, item)),
            Ok(other) => self.json(name, &other),
        }
    }

    /// A part holding `value` as JSON (`application/json`), whatever its shape.
    pub fn json<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Multipart {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.part(name, None, Some("application/json"), Bytes::from(bytes)),
            Err(_) => self,
        }
    }

    /// A file part: bytes, a file name and a content type.
    pub fn file(
        self,
        name: &str,
        file_name: &str,
        content_type: &str,
        bytes: impl Into<Bytes>,
    ) -> Multipart {
        self.part(name, Some(file_name), Some(content_type), bytes.into())
    }

    fn part(
        mut self,
        name: &str,
        file_name: Option<&str>,
        content_type: Option<&str>,
        bytes: Bytes,
    ) -> Multipart {
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: file_name.map(str::to_owned),
            content_type: content_type.map(str::to_owned),
            bytes,
        });
        self
    }

    /// The content type (with its boundary) and the encoded body.
    pub(super) fn encode(&self) -> (String, Vec<u8>) {
        let boundary = boundary(&self.parts);
        let mut out = Vec::new();
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                quoted(&part.name)
            );
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                out.extend_from_slice(
                    format!("Content-Type: {}\r\n", quoted(content_type)).as_bytes(),
                );
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), out)
    }
}

/// A boundary that appears in no part.
fn boundary(parts: &[Part]) -> String {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ parts.len() as u64;
    loop {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let candidate = format!("auth-runtime-{seed:016x}");
        if !parts.iter().any(|p| {
            p.bytes
                .windows(candidate.len())
                .any(|w| w == candidate.as_bytes())
        }) {
            return candidate;
        }
    }
}

/// A header parameter value: quotes and line breaks escaped.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\r', '\n'], " ")
}
