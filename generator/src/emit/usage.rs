//! The usage example in an API module's documentation: a `no_run` doctest that builds
//! the client, one token manager per auth client, the static credentials, and calls an
//! ordinary operation. It compiles as a user's code would (rustdoc checks it), and holds
//! no text from the document: only generated identifiers and placeholder values.

use super::features::Features;
use crate::ir::*;

/// The example's lines, for `module` (the path apps name the API's module by:
/// `my_api`, `generated::cobee`); the crate's root re-exports the runtime.
pub fn example(api: &Api, module: &str, features: Option<&Features>) -> Vec<String> {
    let root = module.split("::").next().unwrap_or(module);
    let rt = format!("{root}::auth_runtime");
    let (_, scheme_names) = super::client::item_names(api);
    let mut code = vec![
        "# async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        format!("use {module}::client::*;"),
        format!("use {rt}::{{Auth, Http, HttpOptions, SecretString}};"),
        String::new(),
        "let http = Http::new(HttpOptions::default())?;".to_owned(),
        "// One of the document's servers, or any other base URL.".to_owned(),
        "let server = Server::Custom(\"https://api.example.com\".into());".to_owned(),
        "let client = Client::new(&server, http.clone())?;".to_owned(),
    ];
    for (scheme, name) in api.security_schemes.iter().zip(&scheme_names) {
        code.extend(scheme_lines(scheme, name.as_deref(), &rt));
    }
    for (index, flow) in api.auth_flows.iter().enumerate() {
        code.extend(flow_lines(api, flow, served_scheme(api, index)));
    }
    code.extend(operation_lines(api, module, features));
    code.push("# let _ = client; Ok(()) }".to_owned());
    let mut lines = vec![
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "```no_run".to_owned(),
    ];
    lines.extend(code);
    lines.push("```".to_owned());
    lines
}

/// Credentials of one scheme set on the client: a token manager from its standard client,
/// or static credentials.
fn scheme_lines(scheme: &SecurityScheme, client: Option<&str>, rt: &str) -> Vec<String> {
    let setter = &scheme.setter;
    let line = |value: &str| vec![format!("let client = client.{setter}({value});")];
    match &scheme.kind {
        SecuritySchemeKind::ApiKey { .. } => line("SecretString::from(\"api-key\")"),
        SecuritySchemeKind::Http { scheme } if scheme == "basic" => line(&format!(
            "{rt}::BasicAuth::new(\"user\", SecretString::from(\"password\"))"
        )),
        SecuritySchemeKind::Http { .. } => line("Auth::bearer(SecretString::from(\"token\"))"),
        SecuritySchemeKind::OAuth2 { .. } | SecuritySchemeKind::OpenIdConnect { .. } => {
            let Some(client) = client else {
                return Vec::new();
            };
            let manager = match grant_call(scheme) {
                Grant::ClientCredentials => "client_credentials(app)?.into_manager(http.clone())",
                Grant::Password => {
                    "password(app, \"user\", SecretString::from(\"password\"))?.into_manager(http.clone())"
                }
                Grant::Refresh => {
                    "refresh_token(app)?.from_refresh_token(SecretString::from(\"kept refresh token\"), http.clone(), Default::default())"
                }
            };
            let mut lines = vec![
                format!("// {client}: tokens obtained, cached and refreshed by the standard flow."),
                format!(
                    "let app = {rt}::oauth::OAuthClient::new(\"client-id\").secret(SecretString::from(\"client-secret\"));"
                ),
                format!("let tokens = {client}::new(&server)?.{manager};"),
            ];
            lines.extend(line("Auth::tokens(tokens)"));
            lines
        }
        SecuritySchemeKind::MutualTls => Vec::new(),
    }
}

enum Grant {
    ClientCredentials,
    Password,
    Refresh,
}

/// The standard flow the example builds: client credentials, else password, else the
/// refresh grant (the others need the user, and `start`/`finish`).
fn grant_call(scheme: &SecurityScheme) -> Grant {
    let has = |grant: OAuthGrant| match &scheme.kind {
        SecuritySchemeKind::OAuth2 { flows, .. } => flows
            .iter()
            .any(|f| f.grant == grant && f.served_by.is_none()),
        _ => true,
    };
    if has(OAuthGrant::ClientCredentials) {
        Grant::ClientCredentials
    } else if has(OAuthGrant::Password) {
        Grant::Password
    } else {
        Grant::Refresh
    }
}

/// The setter of the scheme a token operation's flow serves, when one does.
fn served_scheme(api: &Api, flow: usize) -> Option<&str> {
    api.security_schemes
        .iter()
        .find_map(|scheme| match &scheme.kind {
            SecuritySchemeKind::OAuth2 { flows, .. }
                if flows.iter().any(|f| f.served_by == Some(flow)) =>
            {
                Some(scheme.setter.as_str())
            }
            _ => None,
        })
}

/// A token operation's flow with its credentials, when every credential is text; its
/// tokens go to the scheme it serves.
fn flow_lines(api: &Api, flow: &AuthFlow, setter: Option<&str>) -> Vec<String> {
    let fields = match &api.type_def(flow.body.request).kind {
        TypeKind::Struct(s) => &s.fields,
        _ => return Vec::new(),
    };
    let value = |credential: &Credential| -> Option<String> {
        let field = &fields[credential.field];
        let text = match (&field.ty, credential.secret) {
            (TypeRef::Scalar(Scalar::String), true) => {
                format!("SecretString::from(\"{}\")", field.name)
            }
            (TypeRef::Scalar(Scalar::String), false) => format!("\"{}\".into()", field.name),
            _ if !credential.required => "None".to_owned(),
            _ => return None,
        };
        Some(match (credential.required, text.as_str()) {
            (false, "None") => text,
            (false, _) => format!("Some({text})"),
            (true, _) => text,
        })
    };
    let mut members = Vec::new();
    if flow.basic_auth {
        members.push("client_id: \"client-id\".into()".to_owned());
        members.push("client_secret: SecretString::from(\"client-secret\")".to_owned());
    }
    for credential in &flow.shared {
        let Some(value) = value(credential) else {
            return Vec::new();
        };
        members.push(format!("{}: {value}", fields[credential.field].name));
    }
    if let Some(first) = flow.alternatives.first() {
        let mut login = Vec::new();
        for credential in &first.credentials {
            let Some(value) = value(credential) else {
                return Vec::new();
            };
            login.push(format!("{}: {value}", fields[credential.field].name));
        }
        members.push(format!(
            "login: {}Login::{} {{ {} }}",
            flow.name,
            first.name,
            login.join(", ")
        ));
    }
    let operation = &api.operations[flow.operation];
    let mut arguments = vec!["&server".to_owned()];
    for index in &flow.path_parameters {
        arguments.push(format!("\"{}\"", operation.parameters[*index].name));
    }
    arguments.push(format!(
        "{}Credentials {{ {} }}",
        flow.name,
        members.join(", ")
    ));
    let mut lines = vec![
        format!(
            "// {}Flow: the document's own token operation, typed.",
            flow.name
        ),
        format!(
            "let tokens = {}Flow::new({})?.into_manager(http.clone());",
            flow.name,
            arguments.join(", ")
        ),
    ];
    lines.push(match setter {
        Some(setter) => format!("let client = client.{setter}(Auth::tokens(tokens));"),
        None => "let token = tokens.access_token().await?;".to_owned(),
    });
    lines
}

/// A call of the first operation whose arguments need no document-specific value.
fn operation_lines(api: &Api, module: &str, features: Option<&Features>) -> Vec<String> {
    api.operations
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.webhook && !o.deprecated)
        .find_map(|(index, operation)| {
            let call = simple_call(api, module, operation)?;
            let mut lines = vec![
                "// Every operation is a method; the answer has its status, headers and body."
                    .to_owned(),
                format!("let answer = client.{call}.await?;"),
                "println!(\"{} {:?}\", answer.status, answer.body);".to_owned(),
            ];
            // Behind a feature: compiled only when the doctest is.
            if let Some(cfg) = features.and_then(|f| f.cfg_text(f.operation(index))) {
                lines.insert(1, format!("# {cfg}"));
                lines.insert(
                    2,
                    "# async fn call(client: &Client) -> Result<(), Box<dyn std::error::Error>> {"
                        .to_owned(),
                );
                lines.push("# Ok(()) }".to_owned());
            }
            Some(lines)
        })
        .unwrap_or_default()
}

fn simple_call(api: &Api, module: &str, operation: &Operation) -> Option<String> {
    let mut arguments = Vec::new();
    for parameter in operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path)
    {
        arguments.push(match parameter.ty {
            TypeRef::Scalar(Scalar::String) => format!("\"{}\"", parameter.name),
            TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U64) => "1".to_owned(),
            TypeRef::Scalar(Scalar::F32 | Scalar::F64) => "1.0".to_owned(),
            TypeRef::Scalar(Scalar::Bool) => "true".to_owned(),
            _ => return None,
        });
    }
    if let Some(id) = operation.parameters_type {
        let def = api.type_def(id);
        let TypeKind::Struct(params) = &def.kind else {
            return None;
        };
        if params
            .fields
            .iter()
            .any(|f| f.presence != Presence::Optional)
        {
            return None;
        }
        let fields: Vec<String> = params
            .fields
            .iter()
            .map(|f| format!("{}: None", f.name))
            .collect();
        arguments.push(format!(
            "&{module}::types::{} {{ {} }}",
            def.name,
            fields.join(", ")
        ));
    }
    match &operation.request_body {
        Some(body) if body.required => return None,
        Some(_) => arguments.push("None".to_owned()),
        None => {}
    }
    Some(format!("{}({})", operation.name, arguments.join(", ")))
}
