//! rollguard: a rollback decision service for progressive delivery.
//!
//! `analysis` is the pure rule engine; `store` the database behind one trait; `api` the HTTP
//! service; `dashboard` its HTML pages; `server` the accept loop and shutdown around them; `cli`
//! the command-line front ends.

pub mod analysis;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod error;
pub mod model;
pub mod replay;
pub mod server;
pub mod store;
pub mod telemetry;
