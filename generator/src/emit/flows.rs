//! Auth flows derived from token operations: the credentials an app gives, the request
//! body of each grant, and the token manager that caches and refreshes (on the runtime's
//! `TokenFlow`). Also the error type of token requests.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::code_span;
use super::flow_bodies::{body_builder, separate_refresh_builder};
use super::types::{ident, qualified_type_ref};
use super::{outer_docs, own_docs};
use crate::ir::*;

/// The error types of token requests, then one flow per token operation's grant.
pub fn items(api: &Api) -> TokenStream {
    if api.auth_flows.is_empty() {
        return TokenStream::new();
    }
    let error_body = error_body(api);
    let error_body_ty = match &error_body {
        Some(ty) => qualified_type_ref(api, ty),
        None => quote!(::serde_json::Value),
    };
    // One decoder per token operation, whatever number of flows it serves.
    let decoders = api
        .auth_flows
        .iter()
        .enumerate()
        .filter(|(i, flow)| {
            !api.auth_flows[..*i]
                .iter()
                .any(|f| f.operation == flow.operation)
        })
        .map(|(_, flow)| error_decoder(api, flow, error_body.as_ref()));
    let flows = api.auth_flows.iter().map(|flow| auth_flow(api, flow));
    quote! {
        /// The documented error body of this API's token operations.
        pub type ErrorBody = #error_body_ty;

        /// What went wrong with a token request: transport, timeout, an HTTP status
        /// (always with the raw body, and the documented body when it matches), a body
        /// that does not decode, or configuration.
        pub type Error = ::auth_runtime::Error<ErrorBody>;

        #(#decoders)*
        #(#flows)*
    }
}

/// The error type shared by the token operations' documented error responses, when
/// they share one (else errors keep the raw JSON).
fn error_body(api: &Api) -> Option<TypeRef> {
    let mut bodies = api
        .auth_flows
        .iter()
        .flat_map(|flow| error_responses(api, flow))
        .map(|(_, ty)| ty);
    let first = bodies.next()?;
    bodies.all(|ty| ty == first).then_some(first)
}

fn error_responses(api: &Api, flow: &AuthFlow) -> Vec<(StatusCode, TypeRef)> {
    api.operations[flow.operation]
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .filter_map(|r| Some((r.status, r.preferred()?.ty.clone())))
        .collect()
}

fn decoder_ident(api: &Api, flow: &AuthFlow) -> syn::Ident {
    format_ident!("decode_{}_error", api.operations[flow.operation].name)
}

/// Builds the token request: JSON or form body, with HTTP Basic when the flow uses it.
fn token_request(api: &Api, flow: &AuthFlow, body: TokenStream, basic: TokenStream) -> TokenStream {
    let operation = &api.operations[flow.operation];
    let path = &operation.path;
    let is_form = operation
        .request_body
        .as_ref()
        .and_then(RequestBody::preferred)
        .is_some_and(|c| c.kind == MediaKind::Form);
    let encode = if is_form {
        quote!(form_of)
    } else {
        quote!(json)
    };
    let basic = flow
        .basic_auth
        .then(|| quote!(let request = request.basic_auth(#basic);));
    let path = if flow.path_parameters.is_empty() {
        quote!(#path)
    } else {
        let values = flow.path_parameters.iter().map(|i| {
            let parameter = &operation.parameters[*i];
            let (wire, name) = (&parameter.wire_name, ident(&parameter.name));
            quote!((#wire, self.#name.as_str()))
        });
        quote!(&::auth_runtime::params::fill_path(#path, &[#(#values),*]))
    };
    quote! {
        let url = self.base.endpoint(#path);
        let request = ::auth_runtime::TokenRequest::#encode(&url, #body)?;
        #basic
    }
}

/// The refresh grant when the primary grant's struct carries it (one body for both).
pub(super) fn in_struct_refresh(flow: &AuthFlow) -> Option<&RefreshGrant> {
    flow.refresh.as_ref().filter(|r| r.body.is_none())
}

/// The operation's body type: the grant's struct, or the union it is a variant of.
fn body_type(api: &Api, body: &GrantBody) -> TokenStream {
    let id = body
        .within
        .as_ref()
        .map_or(body.request, |(union, _)| *union);
    qualified_type_ref(api, &TypeRef::Named(id))
}

/// `value` (of the grant's struct) as the operation's body.
fn wrapped(api: &Api, body: &GrantBody, value: TokenStream) -> TokenStream {
    match &body.within {
        Some((union, variant)) => {
            let union = qualified_type_ref(api, &TypeRef::Named(*union));
            let variant = ident(variant);
            quote!(#union::#variant(#value))
        }
        None => value,
    }
}

/// Decodes the documented error body of the statuses that document it.
fn error_decoder(api: &Api, flow: &AuthFlow, error_body: Option<&TypeRef>) -> TokenStream {
    let name = decoder_ident(api, flow);
    let statuses: Vec<proc_macro2::Literal> = error_responses(api, flow)
        .into_iter()
        .filter(|(_, ty)| Some(ty) == error_body)
        .filter_map(|(status, _)| match status {
            StatusCode::Code(code) => Some(proc_macro2::Literal::u16_unsuffixed(code)),
            _ => None,
        })
        .collect();
    let documented_all = error_body.is_none()
        || error_responses(api, flow)
            .iter()
            .any(|(s, _)| !matches!(s, StatusCode::Code(_)));
    let body = if documented_all {
        quote!(::auth_runtime::lenient_json(status, body))
    } else {
        quote! {
            match status.as_u16() {
                #(#statuses)|* => ::auth_runtime::lenient_json(status, body),
                _ => ::std::option::Option::None,
            }
        }
    };
    quote! {
        fn #name(status: ::auth_runtime::StatusCode, body: &[u8]) -> ::std::option::Option<ErrorBody> {
            #body
        }
    }
}

/// Names of the items of one flow.
pub(super) struct FlowNames {
    pub(super) flow: syn::Ident,
    pub(super) credentials: syn::Ident,
    pub(super) login: syn::Ident,
    pub(super) manager: syn::Ident,
}

impl FlowNames {
    fn new(flow: &AuthFlow) -> FlowNames {
        FlowNames {
            flow: format_ident!("{}Flow", flow.name),
            credentials: format_ident!("{}Credentials", flow.name),
            login: format_ident!("{}Login", flow.name),
            manager: format_ident!("{}Auth", flow.name),
        }
    }
}

pub(super) fn request_struct<'a>(api: &'a Api, body: &GrantBody) -> &'a [Field] {
    match &api.type_def(body.request).kind {
        TypeKind::Struct(s) => &s.fields,
        _ => &[],
    }
}

/// A credential's type in the credentials struct: secrets as `SecretString`.
fn credential_type(api: &Api, field: &Field, credential: &Credential) -> TokenStream {
    let ty = if credential.secret && field.ty == TypeRef::Scalar(Scalar::String) {
        quote!(::auth_runtime::SecretString)
    } else {
        qualified_type_ref(api, &field.ty)
    };
    if credential.required {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

pub(super) fn is_secret_string(field: &Field, credential: &Credential) -> bool {
    credential.secret && field.ty == TypeRef::Scalar(Scalar::String)
}

fn auth_flow(api: &Api, flow: &AuthFlow) -> TokenStream {
    let names = FlowNames::new(flow);
    let fields = request_struct(api, &flow.body);
    let operation = &api.operations[flow.operation];
    let credentials = credentials_types(api, flow, &names, fields);
    let body = body_builder(api, flow, &names, fields);
    let FlowNames {
        flow: flow_name,
        credentials: credentials_name,
        manager,
        ..
    } = &names;
    let response = &flow.response;
    let text = |name: &Option<String>| match name {
        Some(name) => quote!(::std::option::Option::Some(#name)),
        None => quote!(::std::option::Option::None),
    };
    let access_token = &response.access_token;
    let (token_type, expires_in, refresh_token, created_at, scope) = (
        text(&response.token_type),
        text(&response.expires_in),
        text(&response.refresh_token),
        text(&response.created_at),
        text(&response.scope),
    );
    let decoder = decoder_ident(api, flow);
    let basic_field = flow
        .basic_auth
        .then(|| quote!(basic: ::auth_runtime::BasicAuth,));
    let basic_init = flow.basic_auth.then(|| {
        quote!(basic: ::auth_runtime::BasicAuth::new(credentials.client_id.clone(), credentials.client_secret.clone()),)
    });
    let send = token_request(api, flow, quote!(&body), quote!(&self.basic));
    let request_ty = body_type(api, &flow.body);
    let primary_argument = in_struct_refresh(flow).map(|_| quote!(::std::option::Option::None));
    let primary_body = wrapped(api, &flow.body, quote!(self.body(#primary_argument)));
    let refresh_body = match flow.refresh.as_ref().and_then(|r| r.body.as_ref()) {
        Some((body, _)) => wrapped(api, body, quote!(self.refresh_body(refresh_token))),
        None => wrapped(
            api,
            &flow.body,
            quote!(self.body(::std::option::Option::Some(refresh_token))),
        ),
    };
    let separate_refresh = separate_refresh_builder(api, flow, fields);
    let parameters: Vec<(syn::Ident, String)> = flow
        .path_parameters
        .iter()
        .map(|i| {
            let parameter = &operation.parameters[*i];
            (ident(&parameter.name), parameter.wire_name.clone())
        })
        .collect();
    let parameter_fields = parameters
        .iter()
        .map(|(name, _)| quote!(#name: ::std::string::String,));
    let parameter_arguments = parameters
        .iter()
        .map(|(name, _)| quote!(#name: impl ::std::convert::Into<::std::string::String>,));
    let parameter_inits = parameters
        .iter()
        .map(|(name, _)| quote!(#name: #name.into(),));
    let new_docs = if parameters.is_empty() {
        own_docs(&["The flow against `server` with `credentials`.".to_owned()])
    } else {
        let listed: Vec<String> = parameters
            .iter()
            .map(|(_, wire)| code_span(&format!("{{{wire}}}")))
            .collect();
        own_docs(&[format!(
            "The flow against `server` with `credentials`; the other arguments fill {} in the token path.",
            listed.join(", ")
        )])
    };
    // Credentials used only for HTTP Basic live in `basic`.
    let stores_credentials = !flow.shared.is_empty() || !flow.alternatives.is_empty();
    let credentials_field = stores_credentials.then(|| quote!(credentials: #credentials_name,));
    let credentials_init = stores_credentials.then(|| quote!(credentials,));
    let refresh = flow.refresh.as_ref().map(|_| {
        quote! {
            async fn refresh(&self, http: &::auth_runtime::Http, refresh_token: &::auth_runtime::SecretString) -> ::std::result::Result<::auth_runtime::IssuedToken, Error> {
                self.request(http, #refresh_body).await
            }

            fn has_refresh_grant(&self) -> bool {
                true
            }
        }
    });
    let grant = flow.grant.as_ref().map_or_else(
        || "token".to_owned(),
        |g| format!("{} grant", code_span(&g.value)),
    );
    let refresh_doc = if flow.refresh.is_some() {
        ", refreshed with the `refresh_token` grant"
    } else {
        ""
    };
    let client_auth = if flow.basic_auth {
        " The client authenticates with HTTP Basic."
    } else {
        ""
    };
    let endpoint = code_span(&format!(
        "{} {}",
        operation.method.as_str().to_uppercase(),
        operation.path
    ));
    let flow_docs = outer_docs(&Docs(vec![format!(
        "Obtains access tokens with the {grant} of {endpoint}{refresh_doc}.{client_auth}"
    )]));
    let manager_docs = own_docs(&[format!(
        "Cached, refreshed access tokens from [`{flow_name}`]."
    )]);
    quote! {
        #credentials

        #flow_docs
        #[derive(::std::fmt::Debug)]
        pub struct #flow_name {
            base: ::auth_runtime::BaseUrl,
            #(#parameter_fields)*
            #credentials_field
            #basic_field
        }

        #manager_docs
        pub type #manager = ::auth_runtime::TokenManager<#flow_name>;

        impl #flow_name {
            /// Wire names of the token response's fields.
            const FIELDS: ::auth_runtime::TokenFields = ::auth_runtime::TokenFields {
                access_token: #access_token,
                token_type: #token_type,
                expires_in: #expires_in,
                refresh_token: #refresh_token,
                created_at: #created_at,
                scope: #scope,
            };

            #new_docs
            pub fn new(server: &Server, #(#parameter_arguments)* credentials: #credentials_name) -> ::std::result::Result<Self, ::auth_runtime::ConfigError> {
                ::std::result::Result::Ok(Self { base: server.base_url()?, #(#parameter_inits)* #basic_init #credentials_init })
            }

            /// A token manager with default options (see [`::auth_runtime::TokenOptions`]).
            pub fn into_manager(self, http: ::auth_runtime::Http) -> #manager {
                ::auth_runtime::TokenManager::new(self, http, ::auth_runtime::TokenOptions::default())
            }

            #body
            #separate_refresh

            async fn request(&self, http: &::auth_runtime::Http, body: #request_ty) -> ::std::result::Result<::auth_runtime::IssuedToken, Error> {
                #send
                let response = http.send_token_request(request).await?;
                response.into_token(&Self::FIELDS, #decoder)
            }
        }

        impl ::auth_runtime::TokenFlow for #flow_name {
            type ErrorBody = ErrorBody;

            async fn obtain(&self, http: &::auth_runtime::Http) -> ::std::result::Result<::auth_runtime::IssuedToken, Error> {
                self.request(http, #primary_body).await
            }

            #refresh
        }
    }
}

/// The credentials struct, and the login alternatives' enum when there are several.
fn credentials_types(
    api: &Api,
    flow: &AuthFlow,
    names: &FlowNames,
    fields: &[Field],
) -> TokenStream {
    let FlowNames {
        credentials: credentials_name,
        login,
        ..
    } = names;
    let member = |credential: &Credential, visibility: TokenStream| {
        let field = &fields[credential.field];
        let docs = outer_docs(&field.docs);
        let name = ident(&field.name);
        let ty = credential_type(api, field, credential);
        quote! { #docs #visibility #name: #ty }
    };
    let basic = flow.basic_auth.then(|| {
        quote! {
            /// The client ID, sent with HTTP Basic.
            pub client_id: ::std::string::String,
            /// The client secret, sent with HTTP Basic.
            pub client_secret: ::auth_runtime::SecretString,
        }
    });
    let shared = flow.shared.iter().map(|c| member(c, quote!(pub)));
    let (login_field, login_enum) = if flow.alternatives.is_empty() {
        (None, None)
    } else {
        let variants = flow.alternatives.iter().map(|alternative| {
            let name = ident(&alternative.name);
            let members = alternative.credentials.iter().map(|c| member(c, quote!()));
            quote! { #name { #(#members),* }, }
        });
        let login_docs = own_docs(&[format!(
            "The ways to log in with [`{credentials_name}`]; exactly one is sent."
        )]);
        (
            Some(quote! {
                /// How the user logs in.
                pub login: #login,
            }),
            Some(quote! {
                #login_docs
                #[derive(::std::fmt::Debug, ::std::clone::Clone)]
                pub enum #login {
                    #(#variants)*
                }
            }),
        )
    };
    let docs = own_docs(&[format!(
        "What the app gives [`{}`]; secrets print as `[REDACTED]`.",
        names.flow
    )]);
    quote! {
        #docs
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct #credentials_name {
            #basic
            #(#shared,)*
            #login_field
        }

        #login_enum
    }
}
