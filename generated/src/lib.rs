//! Typed Rust for the partner APIs whose OpenAPI documents live in `specs/`.
//!
//! Every module below is written by `cargo xtask codegen`; this file is the only
//! hand-written one. Each API sits behind a cargo feature of the same name (all on
//! by default), so an app compiles only the APIs it uses.

#[cfg(feature = "cobee")]
#[rustfmt::skip]
pub mod cobee;
#[cfg(feature = "podero")]
#[rustfmt::skip]
pub mod podero;
#[cfg(feature = "zype")]
#[rustfmt::skip]
pub mod zype;
