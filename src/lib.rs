//! rollguard: a rollback decision service for progressive delivery.
//!
//! `analysis` is the pure rule engine; `cli` holds the command-line front ends.

pub mod analysis;
pub mod cli;
