//! The three-valued answer every verdict carries. Its own module so that the rules' combination
//! (`verdict`) and canary stepping (`stepping`) both build on it without importing each other.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The answer to "should this deployment be rolled back?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Every rule ran and passed.
    Pass,
    /// At least one rule triggered.
    Rollback,
    /// Nothing triggered, but at least one rule lacked data.
    Inconclusive,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pass => "pass",
            Decision::Rollback => "rollback",
            Decision::Inconclusive => "inconclusive",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pass" => Some(Decision::Pass),
            "rollback" => Some(Decision::Rollback),
            "inconclusive" => Some(Decision::Inconclusive),
            _ => None,
        }
    }
}
