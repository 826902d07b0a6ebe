//! `axme`: a CLI for the AXP intent protocol and an embedded gateway in one binary.
//!
//! Layers, each depending only on the ones below it:
//!
//! - [`cli`]: clap commands and terminal output.
//! - [`bench`]: the load generator behind `axme bench` (beside `cli`, over `protocol`).
//! - [`client`]: the typed HTTP client for the AXP API.
//! - [`config`]: contexts, secrets and the files in the config dir.
//! - [`server`]: the embedded gateway (`axme server`): HTTP, engine, storage.
//! - [`protocol`]: the wire types shared by client and server; no I/O.

// Built without the web console (`--no-default-features`), the store still has the console's
// session table (one schema for every build) and the sign-in keeps its session fields, which
// nothing then reads. The default build keeps every dead-code warning.
#![cfg_attr(not(feature = "console"), allow(dead_code))]

pub(crate) mod bench;
pub mod cli;
pub(crate) mod client;
pub(crate) mod config;
pub mod protocol;
pub mod server;

pub(crate) mod num;
