//! One integration-test binary: the store contract on both backends, the HTTP API over real
//! HTTP, the CLI and server as real processes, and the differential test against the numpy
//! reference.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test or run

mod api;
mod cli;
mod compare;
mod controllers;
mod counts;
mod docs;
mod fuzz;
mod guarded;
mod hardening;
mod hooks;
mod ingest;
mod kayenta;
mod lifecycle;
mod process;
mod prometheus;
mod reference;
mod registration;
mod reliability;
mod replay;
mod replicas;
mod store;
mod support;
