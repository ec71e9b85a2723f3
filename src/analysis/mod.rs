//! Pure analysis: series in, verdict out. No I/O, no async, no HTTP or SQL types — the hot path
//! shared by the CLI, the service and replay.

pub mod compare;
pub mod decision;
pub mod document;
pub mod kayenta;
pub mod metric;
pub mod own_past;
pub mod policy;
pub mod rules;
pub mod sequential;
pub mod stats;
pub mod stepping;
pub mod verdict;

pub use decision::Decision;
pub use document::{EvaluationDocument, InputError, Observations, PolicySpec, Series, SeriesPoint};
pub use policy::{Policy, PolicyError};
pub use rules::{BaselineSource, ConversionBaseline, RuleName, RuleOutcome, RuleStatus};
pub use stepping::{Recommendation, StepAction, Traffic, recommend};
pub use verdict::{
    Evaluation, Inputs, PullReport, PullStatus, PulledSeries, RuleReport, Verdict, evaluate,
};
