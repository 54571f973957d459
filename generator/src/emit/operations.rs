//! One `async` method per operation on the API's `Client`: required path parameters
//! as arguments, the other parameters in the operation's `…Params` struct, the body as
//! the document describes it (an enum when it offers several media types), and a
//! `ResponseValue` of the documented success type (an enum when several 2xx statuses
//! have different bodies). Errors keep the status and the raw body, plus the documented
//! body of that status (an enum when statuses document different bodies).
//!
//! The methods only wire types to the runtime (`auth_runtime::ApiRequest`), which
//! encodes parameters, applies credentials, retries and decodes.

use super::docs::code_span;
use super::features::{Features, Gate};
use super::printer::{MARGIN, block, doc_comments, line, list, list_within, literal};
use super::request_bodies::{self, BodyWrite};
use super::responses::Outcome;
use super::types::qualified_type_text;
use crate::ir::*;
use crate::names::{self, Namespace};

/// Names of the items an operation adds to the client module.
struct ItemNames {
    response: String,
    error: String,
    body: String,
}

/// For every operation that is not a webhook: its method in an `impl Client` block of
/// its own and the items it uses (response, error and body enums), each behind the
/// operation's features when there are features. Printed as text: one shape, and
/// formatting it from tokens was most of the time spent on the client.
pub fn operations(api: &Api, taken: &mut Namespace, features: Option<&Features>) -> String {
    // About what an operation prints, so that the text seldom grows.
    let mut out = String::with_capacity(api.operations.len() * 2048);
    for (index, operation) in api.operations.iter().enumerate() {
        if operation.webhook {
            continue;
        }
        let gate = features.map(|f| (f, f.operation(index)));
        let cfg = gate.and_then(|(features, gate)| features.cfg_text(gate));
        let cfg = cfg.as_deref();
        let base = names::pascal(&operation.name);
        let names = ItemNames {
            response: taken.unique(format!("{base}Response")),
            error: taken.unique(format!("{base}Error")),
            body: taken.unique(format!("{base}Body")),
        };
        let success = Outcome::success(operation);
        let failure = Outcome::failure(operation);
        line(&mut out, 0, "impl Client {");
        method(
            &mut out,
            api,
            operation,
            &names,
            (&success, &failure),
            (gate, cfg),
        );
        line(&mut out, 0, "}");
        let response = (
            names.response.as_str(),
            "The documented answers of a success.",
        );
        success.enumeration(&mut out, api, response, cfg);
        let error = (
            names.error.as_str(),
            "The documented error bodies, by status.",
        );
        failure.enumeration(&mut out, api, error, cfg);
        if let Some(body) = operation
            .request_body
            .as_ref()
            .filter(|b| b.contents.len() > 1)
        {
            request_bodies::body_enum(&mut out, api, (&names.body, body), cfg);
        }
    }
    out
}

/// The operation's method, at one indent (inside `impl Client`).
fn method(
    out: &mut String,
    api: &Api,
    operation: &Operation,
    names: &ItemNames,
    (success, failure): (&Outcome, &Outcome),
    (gate, cfg): (Option<(&Features, &Gate)>, Option<&str>),
) {
    let endpoint = format!(
        "{} {}",
        operation.method.as_str().to_uppercase(),
        operation.path
    );
    let mut docs = operation.docs.0.clone();
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs.push(code_span(&endpoint));
    docs.push(String::new());
    docs.push(security_docs(api, operation));
    if let Some(needs) = gate.and_then(|(features, gate)| features.describe(gate)) {
        docs.push(String::new());
        docs.push(needs);
    }
    doc_comments(out, 1, &Docs(docs));
    if let Some(cfg) = cfg {
        line(out, 1, cfg);
    }
    if operation.deprecated {
        line(out, 1, "#[deprecated]");
    }
    let body = request_bodies::body(api, operation, &names.body);
    let mut arguments = vec!["&self".to_owned()];
    arguments.extend(
        operation
            .parameters
            .iter()
            .filter(|p| p.location == ParameterLocation::Path)
            .map(|p| format!("{}: {}", p.name, argument_type(api, &p.ty))),
    );
    if let Some(id) = operation.parameters_type {
        let ty = qualified_type_text(api, &TypeRef::Named(id));
        arguments.push(format!("params: &{ty}"));
    }
    if let BodyWrite::Call { argument, .. } | BodyWrite::Statement { argument, .. } = &body {
        arguments.push(argument.clone());
    }
    let ok = success.type_text(api, &names.response);
    let error = failure.type_text(api, &names.error);
    let returns = format!(
        ") -> ::std::result::Result<::auth_runtime::ResponseValue<{ok}>, ::auth_runtime::Error<{error}>> {{"
    );
    let open = format!("pub async fn {}(", operation.name);
    block(out, 1, &list_within(MARGIN, &open, &arguments, &returns));
    request(out, api, operation, &body);
    line(out, 2, "let response = self.api.send(request).await?;");
    let decode = success.decode_success(api, &names.response);
    let decode_error = failure.decode_error(api, &names.error);
    block(
        out,
        2,
        &list("response.into_value(", &[decode, decode_error], ")"),
    );
    line(out, 1, "}");
}

/// The statements that build `request`: the endpoint, its security, every parameter
/// and the body.
fn request(out: &mut String, api: &Api, operation: &Operation, body: &BodyWrite) {
    // Some documents tell operations on one path apart with a fragment
    // (`/files/{id}#get_shared_link`); a fragment never travels.
    let path = operation.path.split('#').next().unwrap_or_default();
    let (method, path) = (method_text(operation.method), literal(path));
    let new = format!("let request = ::auth_runtime::ApiRequest::new({method}, {path})");
    line(out, 2, &new);
    let mut calls = vec![format!(".security({})", security(api, operation))];
    calls.extend(operation.parameters.iter().map(parameter_call));
    if let BodyWrite::Call { call, .. } = body {
        calls.push(call.clone());
    }
    if let Some(last) = calls.last_mut() {
        last.push(';');
    }
    for call in &calls {
        block(out, 3, call);
    }
    if let BodyWrite::Statement { statement, .. } = body {
        block(out, 2, statement);
    }
}

fn method_text(method: Method) -> &'static str {
    match method {
        Method::Get => "::auth_runtime::Method::GET",
        Method::Put => "::auth_runtime::Method::PUT",
        Method::Post => "::auth_runtime::Method::POST",
        Method::Delete => "::auth_runtime::Method::DELETE",
        Method::Options => "::auth_runtime::Method::OPTIONS",
        Method::Head => "::auth_runtime::Method::HEAD",
        Method::Patch => "::auth_runtime::Method::PATCH",
        Method::Trace => "::auth_runtime::Method::TRACE",
        Method::Query => "::auth_runtime::method_query()",
    }
}

/// A path parameter's argument: strings borrowed, other scalars by value, the rest
/// borrowed.
fn argument_type(api: &Api, ty: &TypeRef) -> String {
    let text = qualified_type_text(api, ty);
    match ty {
        TypeRef::Scalar(Scalar::String) => "&str".to_owned(),
        TypeRef::Scalar(_) => text,
        _ => format!("&{text}"),
    }
}

pub(super) fn style_text(style: ParameterStyle) -> String {
    format!("::auth_runtime::Style::{style:?}")
}

/// The builder call that writes one parameter where it goes.
fn parameter_call(parameter: &Parameter) -> String {
    let wire = literal(&parameter.wire_name);
    let name = &parameter.name;
    let style = style_text(parameter.style);
    let explode = parameter.explode.to_string();
    let value = if parameter.required {
        format!("::std::option::Option::Some(&params.{name})")
    } else {
        format!("params.{name}.as_ref()")
    };
    let (call, arguments) = match parameter.location {
        // Scalars other than strings are arguments by value.
        ParameterLocation::Path if matches!(parameter.ty, TypeRef::Scalar(s) if s != Scalar::String) => {
            (
                ".path_param(",
                vec![wire, format!("&{name}"), style, explode],
            )
        }
        ParameterLocation::Path => (".path_param(", vec![wire, name.clone(), style, explode]),
        ParameterLocation::Query if parameter.json => (".json_query(", vec![wire, value]),
        ParameterLocation::Query => {
            let reserved = parameter.allow_reserved.to_string();
            (".query(", vec![wire, value, style, explode, reserved])
        }
        ParameterLocation::Header => (".header(", vec![wire, value, explode]),
        ParameterLocation::Cookie => (".cookie(", vec![wire, value, explode]),
    };
    list(call, &arguments, ")")
}

/// "Authorization: `oauth` (scope `write`), or `apiKey`.": the requirement alternatives
/// that can satisfy the operation, as the app sets them on the `Client`.
fn security_docs(api: &Api, operation: &Operation) -> String {
    let requirements = operation.security.as_ref().unwrap_or(&api.default_security);
    let alternatives: Vec<String> = requirements
        .iter()
        .map(|requirement| {
            if requirement.schemes.is_empty() {
                return "none".to_owned();
            }
            let schemes: Vec<String> = requirement
                .schemes
                .iter()
                .map(|(scheme, scopes)| {
                    let scopes: Vec<String> = scopes.iter().map(|s| code_span(s)).collect();
                    match scopes.len() {
                        0 => code_span(scheme),
                        1 => format!("{} (scope {})", code_span(scheme), scopes[0]),
                        _ => format!("{} (scopes {})", code_span(scheme), scopes.join(", ")),
                    }
                })
                .collect();
            schemes.join(" and ")
        })
        .collect();
    match alternatives.len() {
        0 => "Authorization: none.".to_owned(),
        _ => format!("Authorization: {}.", alternatives.join(", or ")),
    }
}

/// The security alternatives: the operation's own, else the API's.
fn security(api: &Api, operation: &Operation) -> String {
    let requirements = operation.security.as_ref().unwrap_or(&api.default_security);
    let alternatives: Vec<String> = requirements
        .iter()
        .map(|requirement| {
            let schemes: Vec<String> = requirement
                .schemes
                .iter()
                .map(|(scheme, _)| literal(scheme))
                .collect();
            format!("&[{}]", schemes.join(", "))
        })
        .collect();
    format!("&[{}]", alternatives.join(", "))
}
