//! rollguard: a rollback decision service for progressive delivery.
//!
//! From the bottom up: `names` and `timestamp` (identifiers and times parsed at the boundary),
//! `json` (JSON objects without duplicate keys);
//! `analysis`, the pure rule engine; `model`, the domain types; `replay`, the pure replay engine;
//! `store`, the database behind one trait; `service`, what a request means; `api` the HTTP
//! service with `error`, `auth` and `telemetry`; `dashboard` its HTML pages; `server` the accept
//! loop and shutdown around them; `config` and `cli` the command-line front ends.

pub mod analysis;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod error;
pub mod json;
pub mod model;
pub mod names;
pub mod prometheus;
pub mod replay;
pub mod server;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod timestamp;
pub mod tls;
