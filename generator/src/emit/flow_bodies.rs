//! The request bodies a token operation's flow builds: the primary grant's (with the
//! refresh grant in the same struct when the body has one struct), or the refresh
//! grant's own variant of the body union; secrets are exposed only here.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::flows::{FlowNames, in_struct_refresh, is_secret_string, request_struct};
use super::types::{ident, qualified_type_ref};
use crate::ir::*;

/// `fn body(&self, refresh_token)`: the typed request body for the primary grant
/// (`None`) or the refresh grant.
pub(super) fn body_builder(
    api: &Api,
    flow: &AuthFlow,
    names: &FlowNames,
    fields: &[Field],
) -> TokenStream {
    let request = qualified_type_ref(api, &TypeRef::Named(flow.body.request));
    let login = &names.login;
    let in_alternative = |index: usize| {
        flow.alternatives
            .iter()
            .any(|a| a.credentials.iter().any(|c| c.field == index))
    };
    let locals = |index: usize| format_ident!("login_{}", fields[index].name.trim_end_matches('_'));
    let alternative_fields: Vec<usize> = (0..fields.len()).filter(|i| in_alternative(*i)).collect();
    let login_match = (!flow.alternatives.is_empty()).then(|| {
        let names_out: Vec<_> = alternative_fields.iter().map(|i| locals(*i)).collect();
        let arms = flow.alternatives.iter().map(|alternative| {
            let variant = ident(&alternative.name);
            let bound: Vec<_> = alternative
                .credentials
                .iter()
                .map(|c| ident(&fields[c.field].name))
                .collect();
            let values = alternative_fields.iter().map(|index| {
                match alternative.credentials.iter().find(|c| c.field == *index) {
                    Some(credential) => {
                        let name = ident(&fields[*index].name);
                        let value = credential_value(&fields[*index], credential, quote!(#name));
                        quote!(::std::option::Option::Some(#value))
                    }
                    None => quote!(::std::option::Option::None),
                }
            });
            quote!(#login::#variant { #(#bound),* } => (#(#values),*),)
        });
        let login = quote!(match &self.credentials.login { #(#arms)* });
        match in_struct_refresh(flow) {
            Some(_) => quote! {
                let (#(#names_out),*) = match refresh_token {
                    ::std::option::Option::Some(_) => ::std::default::Default::default(),
                    ::std::option::Option::None => #login,
                };
            },
            None => quote!(let (#(#names_out),*) = #login;),
        }
    });
    let members = fields.iter().enumerate().map(|(index, field)| {
        let name = ident(&field.name);
        let value = field_value(api, flow, field, index, &locals(index));
        quote!(#name: #value,)
    });
    let additional = additional_default(api, flow.body.request);
    let parameter = in_struct_refresh(flow)
        .map(|_| quote!(refresh_token: ::std::option::Option<&::auth_runtime::SecretString>));
    quote! {
        /// The request body: the primary grant, or the refresh grant when given a refresh token.
        fn body(&self, #parameter) -> #request {
            #login_match
            #request { #(#members)* #additional }
        }
    }
}

/// The expression for one request field.
fn field_value(
    api: &Api,
    flow: &AuthFlow,
    field: &Field,
    index: usize,
    login_local: &syn::Ident,
) -> TokenStream {
    let wrap = |value: TokenStream| match field.presence {
        Presence::Required => value,
        _ => quote!(::std::option::Option::Some(#value)),
    };
    if let Some(grant) = flow.grant.as_ref().filter(|g| g.field == index) {
        let primary = grant_value(api, &field.ty, &grant.value);
        let refresh = in_struct_refresh(flow)
            .and_then(|r| r.grant_value.as_deref())
            .map_or_else(|| primary.clone(), |v| grant_value(api, &field.ty, v));
        let (primary, refresh) = (wrap(primary), wrap(refresh));
        return match in_struct_refresh(flow) {
            Some(_) => quote!(if refresh_token.is_some() { #refresh } else { #primary }),
            None => primary,
        };
    }
    if in_struct_refresh(flow).is_some_and(|r| r.token_field == index) {
        let value = quote!(
            refresh_token
                .map(|token| ::auth_runtime::ExposeSecret::expose_secret(token).to_owned())
        );
        return match field.presence {
            Presence::Required => quote!(#value.unwrap_or_default()),
            _ => value,
        };
    }
    if flow
        .alternatives
        .iter()
        .any(|a| a.credentials.iter().any(|c| c.field == index))
    {
        return match field.presence {
            Presence::Required => quote!(#login_local.unwrap_or_default()),
            _ => quote!(#login_local),
        };
    }
    let Some(credential) = flow.shared.iter().find(|c| c.field == index) else {
        return quote!(::std::default::Default::default());
    };
    let name = ident(&field.name);
    let source = quote!(self.credentials.#name);
    let sent_in_refresh = credential.in_refresh;
    let value = match (credential.required, field.presence) {
        (true, Presence::Required) => credential_value(field, credential, quote!(&#source)),
        (true, _) => {
            let value = credential_value(field, credential, quote!(&#source));
            quote!(::std::option::Option::Some(#value))
        }
        (false, presence) => {
            let value = if is_secret_string(field, credential) {
                let exposed = credential_value(field, credential, quote!(value));
                quote!(#source.as_ref().map(|value| #exposed))
            } else {
                quote!(::std::clone::Clone::clone(&#source))
            };
            match presence {
                Presence::Required => quote!(#value.unwrap_or_default()),
                _ => value,
            }
        }
    };
    if sent_in_refresh || field.presence == Presence::Required || in_struct_refresh(flow).is_none()
    {
        value
    } else {
        quote!(if refresh_token.is_some() { ::std::option::Option::None } else { #value })
    }
}

/// A credential's value as the request field wants it (secrets exposed only here),
/// from a `reference` to the credential.
fn credential_value(field: &Field, credential: &Credential, reference: TokenStream) -> TokenStream {
    if is_secret_string(field, credential) {
        quote!(::auth_runtime::ExposeSecret::expose_secret(#reference).to_owned())
    } else {
        quote!(::std::clone::Clone::clone(#reference))
    }
}

/// A `grant_type` value: the enum's variant, or the string.
fn grant_value(api: &Api, ty: &TypeRef, value: &str) -> TokenStream {
    if let TypeRef::Named(id) = ty {
        let def = api.type_def(*id);
        if let TypeKind::StringEnum { variants, .. } = &def.kind {
            let type_name = ident(&def.name);
            if let Some(variant) = variants.iter().find(|v| v.wire_value == value) {
                let variant = ident(&variant.name);
                return quote!(super::types::#type_name::#variant);
            }
        }
    }
    quote!(::std::borrow::ToOwned::to_owned(#value))
}

/// `additional_properties: Default::default()` for a struct that has them.
fn additional_default(api: &Api, id: TypeId) -> Option<TokenStream> {
    match &api.type_def(id).kind {
        TypeKind::Struct(s) if s.additional.is_some() => {
            Some(quote!(additional_properties: ::std::default::Default::default(),))
        }
        _ => None,
    }
}

/// `fn refresh_body(&self, refresh_token)`: the refresh grant's own struct (another
/// variant of the body union), with the token, its `grant_type`, and the credentials
/// it shares with the primary grant by wire name (a client id, a scope).
pub(super) fn separate_refresh_builder(
    api: &Api,
    flow: &AuthFlow,
    primary: &[Field],
) -> Option<TokenStream> {
    let refresh = flow.refresh.as_ref()?;
    let (body, grant_field) = refresh.body.as_ref()?;
    let fields = request_struct(api, body);
    let request = qualified_type_ref(api, &TypeRef::Named(body.request));
    let members = fields.iter().enumerate().map(|(index, field)| {
        let name = ident(&field.name);
        let wrap = |value: TokenStream| match field.presence {
            Presence::Required => value,
            _ => quote!(::std::option::Option::Some(#value)),
        };
        let value = if index == refresh.token_field {
            wrap(quote!(
                ::auth_runtime::ExposeSecret::expose_secret(refresh_token).to_owned()
            ))
        } else if Some(index) == *grant_field {
            wrap(grant_value(
                api,
                &field.ty,
                refresh.grant_value.as_deref().unwrap_or("refresh_token"),
            ))
        } else {
            shared_value(flow, primary, field)
                .unwrap_or_else(|| quote!(::std::default::Default::default()))
        };
        quote!(#name: #value,)
    });
    let additional = additional_default(api, body.request);
    Some(quote! {
        /// The refresh grant's request body.
        fn refresh_body(&self, refresh_token: &::auth_runtime::SecretString) -> #request {
            #request { #(#members)* #additional }
        }
    })
}

/// The value of a credential the flow holds under `field`'s wire name, as `field` wants
/// it (same type and presence), when it holds one.
fn shared_value(flow: &AuthFlow, primary: &[Field], field: &Field) -> Option<TokenStream> {
    let credential = flow.shared.iter().find(|c| {
        primary[c.field].wire_name == field.wire_name && primary[c.field].ty == field.ty
    })?;
    let own = &primary[credential.field];
    let name = ident(&own.name);
    let source = quote!(self.credentials.#name);
    let value = if credential.required {
        let value = credential_value(own, credential, quote!(&#source));
        match field.presence {
            Presence::Required => value,
            _ => quote!(::std::option::Option::Some(#value)),
        }
    } else if field.presence == Presence::Required {
        return None;
    } else if is_secret_string(own, credential) {
        let exposed = credential_value(own, credential, quote!(value));
        quote!(#source.as_ref().map(|value| #exposed))
    } else {
        quote!(::std::clone::Clone::clone(&#source))
    };
    Some(value)
}
