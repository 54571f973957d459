//! The driver `cargo xtask conformance` compiles beside each generated crate: a program
//! that calls the operations named on its command line through the generated methods,
//! with sample arguments, and prints one verdict line per operation. Its fixed part is
//! `driver.rs.in`; the calls are generated here from the IR.

use std::fmt::Write as _;

use generator::emit::rust_type;
use generator::ir::*;
use serde_json::Value;

pub(super) fn driver_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// The driver: placeholder credentials for every scheme, then every operation once.
pub(super) fn driver(api: &Api, crate_ident: &str) -> String {
    let types = format!("{crate_ident}::types");
    let mut setup = String::new();
    for scheme in &api.security_schemes {
        let setter = &scheme.setter;
        let credentials = match &scheme.kind {
            SecuritySchemeKind::ApiKey { .. } => {
                "SecretString::from(\"conformance-key\")".to_owned()
            }
            SecuritySchemeKind::Http { scheme } if scheme == "basic" => {
                "BasicAuth::new(\"conformance\", SecretString::from(\"password\"))".to_owned()
            }
            _ => "Auth::bearer(\"conformance-token\")".to_owned(),
        };
        let _ = writeln!(setup, "        .{setter}({credentials})");
    }
    let mut dispatch = String::new();
    let mut functions = String::new();
    for operation in api.operations.iter().filter(|o| !o.webhook) {
        let name = &operation.name;
        let _ = writeln!(dispatch, "        {name:?} => call_{name}(client).await,");
        functions.push_str(&call(api, operation, &types));
    }
    DRIVER
        .replace("CRATE", crate_ident)
        .replace("        // SETUP\n", &setup)
        .replace("        // DISPATCH\n", &dispatch)
        .replace("// FUNCTIONS\n", &functions)
}

/// One operation's call with sample arguments.
fn call(api: &Api, operation: &Operation, types: &str) -> String {
    let mut lines = String::new();
    let mut arguments = Vec::new();
    for parameter in operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path)
    {
        let name = format!("arg_{}", parameter.name);
        let (ty, pass) = match &parameter.ty {
            TypeRef::Scalar(Scalar::String) => ("String".to_owned(), format!("&{name}")),
            TypeRef::Scalar(_) => (rust_type(api, &parameter.ty, types), name.clone()),
            other => (rust_type(api, other, types), format!("&{name}")),
        };
        let samples: Vec<Value> = parameter
            .samples
            .iter()
            .map(|s| path_sample(&parameter.ty, s))
            .collect();
        let _ = writeln!(
            lines,
            "        let {name}: {ty} = arg(&{})?;",
            literals(&samples)
        );
        arguments.push(pass);
    }
    if let Some(id) = operation.parameters_type {
        let mut fields = Vec::new();
        for parameter in operation
            .parameters
            .iter()
            .filter(|p| p.location != ParameterLocation::Path && p.required)
        {
            let ty = rust_type(api, &parameter.ty, types);
            let candidates = literals(&parameter.samples);
            fields.push(format!(
                "({:?}, field::<{ty}>(&{candidates})?)",
                parameter.wire_name
            ));
        }
        let ty = rust_type(api, &TypeRef::Named(id), types);
        let _ = writeln!(
            lines,
            "        let params: {ty} = object(vec![{}])?;",
            fields.join(", ")
        );
        arguments.push("&params".to_owned());
    }
    if let Some(body) = &operation.request_body {
        let content = body.preferred().unwrap_or(&body.contents[0]);
        let value = match content.kind {
            MediaKind::Text => "\"sample\".to_owned()".to_owned(),
            MediaKind::Binary => "Bytes::from_static(b\"sample\")".to_owned(),
            _ => format!(
                "arg::<{}>(&{})?",
                rust_type(api, &content.ty, types),
                literals(&content.samples)
            ),
        };
        let argument = if body.contents.len() > 1 {
            let index = body
                .contents
                .iter()
                .position(|c| std::ptr::eq(c, content))
                .unwrap_or(0);
            let variant = body_variant(body, index);
            let enum_name = format!("{}Body", generator::names::pascal(&operation.name));
            format!("client_mod::{enum_name}::{variant}({value})")
        } else {
            match content.kind {
                MediaKind::Binary => value,
                MediaKind::Text => format!("&{value}"),
                _ => format!("&{value}"),
            }
        };
        let argument = if body.required {
            argument
        } else {
            format!("Some({argument})")
        };
        let _ = writeln!(lines, "        let body = {argument};");
        arguments.push("body".to_owned());
    }
    let name = &operation.name;
    let documented: Vec<String> = operation
        .responses
        .iter()
        .filter_map(|r| match r.status {
            StatusCode::Code(code) => Some(code.to_string()),
            _ => None,
        })
        .collect();
    let documented = format!("&[{}]", documented.join(", "));
    let multipart = operation
        .request_body
        .as_ref()
        .and_then(|b| b.preferred())
        .is_some_and(|c| c.kind == MediaKind::Multipart);
    let wrap = if multipart {
        "multipart"
    } else {
        "std::convert::identity"
    };
    format!(
        "async fn call_{name}(client: &Client) -> Result<String, String> {{\n{lines}        let answer = client.{name}({}).await;\n        Ok({wrap}(describe(answer, {documented})))\n}}\n\n",
        arguments.join(", ")
    )
}

/// A path parameter's sample in the type its argument has (path values are strings on
/// the wire; a number sample for a string parameter is written as its text).
fn path_sample(ty: &TypeRef, sample: &Value) -> Value {
    match (ty, sample) {
        (TypeRef::Scalar(Scalar::String), Value::Number(n)) => Value::String(n.to_string()),
        (_, sample) => sample.clone(),
    }
}

/// The variant name the generator gives the body content at `index` (the same rule:
/// by how it is written, each name once).
fn body_variant(body: &RequestBody, index: usize) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut name = String::new();
    for (i, content) in body.contents.iter().enumerate() {
        let base = match content.kind {
            MediaKind::Binary => "Bytes".to_owned(),
            kind => format!("{kind:?}"),
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while seen.contains(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        seen.push(candidate.clone());
        if i == index {
            name = candidate;
        }
    }
    name
}

/// Candidate JSON values as a Rust array of string literals to parse.
fn literals(values: &[Value]) -> String {
    let texts: Vec<String> = values
        .iter()
        .map(|v| format!("{:?}", v.to_string()))
        .collect();
    format!("[{}]", texts.join(", "))
}

/// The program's fixed part; `CRATE`, `// SETUP`, `// DISPATCH` and `// FUNCTIONS` are
/// filled in.
const DRIVER: &str = include_str!("driver.rs.in");
