//! One integration-test binary: the CLI as a real process, the differential test against the
//! numpy reference.

mod cli;
mod reference;
mod support;
