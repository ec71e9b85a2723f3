//! Replay inputs, read one deployment at a time.
//!
//! - **NDJSON**: one deployment per line, an evaluation document (whose `{ts, value}` points may
//!   carry `count`, on every point of a series or on none) plus `key` and optional
//!   `outcome` (`rolled_back` | `promoted` | null), `started_at` and `onset_step`:
//!   `{"key": "checkout.prod.42", "outcome": "promoted", "metrics": {"error_rate": [...]},
//!   "baseline": {"conversion_rate": 0.031}}`. Labelled corpora add `onset_step` (the 1-based
//!   step a regression began) and `regression` (a free-form description, carried, not read).
//!   A `policy` field is ignored (replay takes its policies from the command line). Blank
//!   lines are skipped.
//! - **CSV**: a header `deployment,metric,cohort,ts,value` with an optional `count` column
//!   (`deployment,metric,cohort,ts,value,count`), rows grouped by deployment (each deployment's
//!   rows contiguous; within it any order). Times are RFC 3339, checked as the API checks them
//!   ([`Timestamp`]: years 0001–9999, no leap second, cut to microseconds); a repeated
//!   (metric, cohort, ts) keeps the last value and count, as ingest does. A count is a whole
//!   number from 0 to 2^63 - 1, an empty cell none; as for stored points, a series has counts
//!   when every one of its points has one. CSV carries no outcomes.

use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{ReplayDeployment, ReplayError};
use crate::analysis::document::{BaselineValues, CohortSeries, Points};
use crate::analysis::metric::{CountError, ValueError};
use crate::analysis::{EvaluationDocument, Observations, PolicySpec, Series, metric};
use crate::model::{Cohort, DeploymentKey, MetricName, NameError, Outcome, Timestamp};

/// A bad input, located by line.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("line {line}: {message}")]
    Bad { line: u64, message: String },
    #[error("reading input: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Replay(#[from] ReplayError),
}

fn bad(line: u64, message: impl Into<String>) -> InputError {
    InputError::Bad {
        line,
        message: message.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NdjsonLine {
    key: String,
    #[serde(default)]
    outcome: Option<Outcome>,
    #[serde(default)]
    started_at: Option<Timestamp>,
    #[serde(default)]
    onset_step: Option<usize>,
    #[serde(default)]
    #[allow(dead_code)] // accepted so evaluation documents replay unchanged
    policy: Option<PolicySpec>,
    /// A labelled corpus's description of the injected regression: carried, not read.
    #[serde(default)]
    #[allow(dead_code)]
    regression: Option<serde_json::Value>,
    #[serde(default)]
    metrics: BTreeMap<String, Points>,
    #[serde(default)]
    baseline: BaselineValues,
    #[serde(default)]
    cohorts: CohortSeries,
}

/// What is wrong with one deployment (an NDJSON line, or a CSV row).
#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    /// The line is not a deployment object.
    #[error(transparent)]
    Shape(#[from] serde_json::Error),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error("onset_step is 1-based")]
    OnsetZero,
    /// Detection delays are counted in `i64` steps.
    #[error("onset_step must be at most {}", i64::MAX)]
    OnsetTooLarge,
    #[error("{error} ({key})")]
    Series {
        key: String,
        error: crate::analysis::InputError,
    },
    #[error("cohort '{0}' must be canary, baseline or pre")]
    Cohort(String),
    #[error("{metric}: {error}")]
    Value { metric: String, error: ValueError },
    #[error("{metric}: {error}")]
    Count { metric: String, error: CountError },
}

fn parse_line(line_no: u64, text: &str) -> Result<ReplayDeployment, InputError> {
    serde_json::from_str(text)
        .map_err(DeploymentError::from)
        .and_then(checked)
        .map_err(|e| bad(line_no, e.to_string()))
}

/// One deployment in the NDJSON line shape, given as its JSON text (e.g. one element of an HTTP
/// request's array): read straight into columns, with no `Value` in between.
pub fn deployment_from_json(text: &str) -> Result<ReplayDeployment, DeploymentError> {
    checked(serde_json::from_str(text)?)
}

fn checked(line: NdjsonLine) -> Result<ReplayDeployment, DeploymentError> {
    DeploymentKey::parse(&line.key)?;
    match line.onset_step {
        Some(0) => return Err(DeploymentError::OnsetZero),
        Some(n) if i64::try_from(n).is_err() => return Err(DeploymentError::OnsetTooLarge),
        _ => {}
    }
    let doc = EvaluationDocument {
        policy: None,
        metrics: line.metrics,
        baseline: line.baseline,
        cohorts: line.cohorts,
    };
    let (_, obs) = doc
        .into_observations()
        .map_err(|error| DeploymentError::Series {
            key: line.key.clone(),
            error,
        })?;
    Ok(ReplayDeployment {
        key: line.key,
        outcome: line.outcome,
        started_at: line.started_at.map(Timestamp::get),
        onset_step: line.onset_step,
        obs,
    })
}

/// Deployments from NDJSON, one per line.
pub fn ndjson(reader: impl BufRead) -> impl Iterator<Item = Result<ReplayDeployment, InputError>> {
    reader.lines().enumerate().filter_map(|(i, line)| {
        let line_no = i as u64 + 1;
        match line {
            Err(e) => Some(Err(InputError::Io(e))),
            Ok(text) if text.trim().is_empty() => None,
            Ok(text) => Some(parse_line(line_no, &text)),
        }
    })
}

#[derive(Deserialize)]
struct CsvRow {
    deployment: String,
    metric: String,
    cohort: String,
    ts: Timestamp,
    value: f64,
    /// The optional column; an empty cell is no count. Text here, checked by [`check_row`].
    #[serde(default)]
    count: Option<String>,
}

/// A CSV point: time, value and count.
type CsvPoint = (DateTime<Utc>, f64, Option<u64>);

/// A CSV deployment's points by (cohort, metric), in file order.
type CsvPoints = BTreeMap<(Cohort, String), Vec<CsvPoint>>;

/// Collects one deployment's CSV rows into checked series.
struct CsvGroup {
    key: String,
    points: CsvPoints,
}

impl CsvGroup {
    fn finish(self) -> ReplayDeployment {
        let mut obs = Observations::default();
        for ((cohort, metric), mut points) in self.points {
            // Stable sort then keep the last of equal timestamps: re-sent values replace.
            points.sort_by_key(|p| p.0);
            let mut dedup: Vec<CsvPoint> = Vec::with_capacity(points.len());
            for p in points {
                match dedup.last_mut() {
                    Some(last) if last.0 == p.0 => *last = p,
                    _ => dedup.push(p),
                }
            }
            let series = Series {
                values: dedup.iter().map(|p| p.1).collect(),
                times: Some(dedup.iter().map(|p| p.0).collect()),
                counts: dedup.iter().map(|p| p.2).collect(),
            };
            let map = match cohort {
                Cohort::Canary => &mut obs.canary,
                Cohort::Baseline => &mut obs.baseline_cohort,
                Cohort::Pre => &mut obs.pre,
            };
            map.insert(metric, series);
        }
        ReplayDeployment {
            key: self.key,
            obs,
            ..Default::default()
        }
    }
}

/// Deployments from CSV (`deployment,metric,cohort,ts,value[,count]`), grouped by deployment.
pub fn csv(
    reader: impl std::io::Read,
) -> impl Iterator<Item = Result<ReplayDeployment, InputError>> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    let mut headers: Option<csv::StringRecord> = None;
    let mut current: Option<CsvGroup> = None;
    let mut seen: HashSet<String> = HashSet::new();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        loop {
            if headers.is_none() {
                match rdr.headers() {
                    Ok(h) => headers = Some(h.clone()),
                    Err(e) => {
                        done = true;
                        return Some(Err(bad(1, e.to_string())));
                    }
                }
            }
            let header = headers.as_ref().expect("read above");
            let read = rdr.read_record(&mut record);
            let line = record.position().map_or(0, csv::Position::line);
            let row: CsvRow = match read.map(|more| more.then(|| record.deserialize(Some(header))))
            {
                Ok(None) => {
                    done = true;
                    return current.take().map(|g| Ok(g.finish()));
                }
                Ok(Some(Ok(r))) => r,
                Ok(Some(Err(e))) | Err(e) => {
                    done = true;
                    return Some(Err(bad(line, e.to_string())));
                }
            };
            let count = match check_row(&row) {
                Ok(count) => count,
                Err(e) => {
                    done = true;
                    return Some(Err(bad(line, e.to_string())));
                }
            };
            if current.as_ref().is_some_and(|g| g.key == row.deployment) {
                let g = current.as_mut().expect("checked");
                let cohort = Cohort::parse(&row.cohort).expect("checked");
                g.points.entry((cohort, row.metric)).or_default().push((
                    row.ts.get(),
                    row.value,
                    count,
                ));
                continue;
            }
            if !seen.insert(row.deployment.clone()) {
                done = true;
                return Some(Err(bad(
                    line,
                    format!(
                        "deployment '{}' appears again after other deployments: group each deployment's rows together",
                        row.deployment
                    ),
                )));
            }
            let cohort = Cohort::parse(&row.cohort).expect("checked");
            let next = CsvGroup {
                key: row.deployment,
                points: BTreeMap::from([(
                    (cohort, row.metric),
                    vec![(row.ts.get(), row.value, count)],
                )]),
            };
            if let Some(finished) = current.replace(next) {
                return Some(Ok(finished.finish()));
            }
        }
    })
}

/// Checks a row; returns its count.
fn check_row(row: &CsvRow) -> Result<Option<u64>, DeploymentError> {
    DeploymentKey::parse(&row.deployment)?;
    MetricName::parse(&row.metric)?;
    if Cohort::parse(&row.cohort).is_none() {
        return Err(DeploymentError::Cohort(row.cohort.clone()));
    }
    metric::check_value(&row.metric, row.value).map_err(|error| DeploymentError::Value {
        metric: row.metric.clone(),
        error,
    })?;
    row.count
        .as_deref()
        .map(metric::count_from_str)
        .transpose()
        .map_err(|error| DeploymentError::Count {
            metric: row.metric.clone(),
            error,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_lines_become_deployments() {
        let text = r#"{"key": "a.1", "outcome": "promoted", "metrics": {"error_rate": [1, 2, 3]}, "baseline": {"conversion_rate": 0.03}}

{"key": "b.2", "outcome": null, "onset_step": 4, "started_at": "2026-11-24T10:00:00Z", "metrics": {}}"#;
        let ds: Vec<ReplayDeployment> = ndjson(text.as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(ds.len(), 2);
        assert_eq!(
            (ds[0].key.as_str(), ds[0].outcome),
            ("a.1", Some(Outcome::Promoted))
        );
        assert_eq!(ds[0].obs.inputs().error_rate, [1.0, 2.0, 3.0]);
        assert_eq!(ds[0].obs.explicit_conversion_baseline, Some(0.03));
        assert_eq!(ds[1].onset_step, Some(4));
    }

    #[test]
    fn ndjson_errors_name_the_line() {
        for (text, needle) in [
            (
                "{\"key\": \"a\"}\n{\"key\": \"b\", \"metrics\": {\"error_rate\": [-1]}}",
                "line 2: metrics.error_rate[0]: value -1 is negative (b)",
            ),
            ("{\"key\": \"a b\"}", "line 1: deployment key 'a b'"),
            (
                "{\"key\": \"a\", \"outcome\": \"maybe\"}",
                "line 1: unknown variant `maybe`",
            ),
            (
                "{\"key\": \"a\", \"onset\": 3}",
                "line 1: unknown field `onset`",
            ),
            (
                "{\"key\": \"a\", \"onset_step\": 0}",
                "line 1: onset_step is 1-based",
            ),
            (
                "{\"key\": \"a\", \"started_at\": \"2016-12-31T23:59:60Z\"}",
                "line 1: 2016-12-31T23:59:60Z is a leap second",
            ),
            (
                "{\"key\": \"a\", \"metrics\": {\"latency_p99\": [{\"ts\": \"+10000-01-01T00:00:00Z\", \"value\": 1}]}}",
                "outside the accepted range, years 0001–9999 (UTC)",
            ),
        ] {
            let err = ndjson(text.as_bytes())
                .find_map(Result::err)
                .unwrap()
                .to_string();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn csv_rows_group_by_deployment_and_sort_by_time() {
        let text = "deployment,metric,cohort,ts,value
a,error_rate,canary,2026-11-24T10:01:00Z,2
a,error_rate,canary,2026-11-24T10:00:00Z,1
a,error_rate,canary,2026-11-24T10:01:00Z,3
a,error_rate,canary,2026-11-24T10:02:00.0000002Z,5
a,error_rate,canary,2026-11-24T10:02:00.0000001Z,4
a,conversion_rate,baseline,2026-11-24T10:00:00Z,0.03
b,latency_p99,canary,2026-11-24T10:00:00Z,200
";
        let ds: Vec<ReplayDeployment> = csv(text.as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            ds.iter().map(|d| d.key.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(
            ds[0].obs.canary["error_rate"].values,
            [1.0, 3.0, 4.0],
            "sorted, last value wins, times cut to microseconds"
        );
        assert_eq!(ds[0].obs.baseline_cohort["conversion_rate"].values, [0.03]);
        assert_eq!(ds[1].obs.inputs().latency_p99, [200.0]);
    }

    #[test]
    fn csv_errors_name_the_line() {
        for (text, needle) in [
            (
                "deployment,metric,cohort,ts,value\na,error_rate,canary,2026-11-24T10:00:00Z,101\n",
                "line 2: error_rate: error rate 101",
            ),
            (
                "deployment,metric,cohort,ts,value\na,error_rate,control,2026-11-24T10:00:00Z,1\n",
                "line 2: cohort 'control'",
            ),
            (
                "deployment,metric,cohort,ts,value\na,error_rate,canary,noon,1\n",
                "line 2",
            ),
            (
                "deployment,metric,cohort,ts,value\na,error_rate,canary,2026-11-24T10:00:00Z,1\na,error_rate,canary,-4714-11-24T00:00:00Z,1\n",
                "-4714-11-24T00:00:00Z is outside the accepted range, years 0001–9999 (UTC)",
            ),
            (
                "deployment,metric,cohort,ts,value\na,error_rate,canary,2016-12-31T23:59:60Z,1\n",
                "leap second",
            ),
            (
                "deployment,metric,cohort,ts,value\na,x,canary,2026-11-24T10:00:00Z,1\nb,x,canary,2026-11-24T10:00:00Z,1\na,x,canary,2026-11-24T10:01:00Z,1\n",
                "line 4: deployment 'a' appears again",
            ),
        ] {
            let err = csv(text.as_bytes())
                .find_map(Result::err)
                .unwrap()
                .to_string();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn csv_counts_are_an_optional_column() {
        let text = "deployment,metric,cohort,ts,value,count
a,error_rate,canary,2026-11-24T10:01:00Z,2,900
a,error_rate,canary,2026-11-24T10:00:00Z,1,850
a,error_rate,canary,2026-11-24T10:01:00Z,3,910
a,latency_p99,canary,2026-11-24T10:00:00Z,200,
a,latency_p99,canary,2026-11-24T10:01:00Z,210,
a,conversion_rate,canary,2026-11-24T10:00:00Z,0.03,40
a,conversion_rate,canary,2026-11-24T10:01:00Z,0.02,
";
        let ds: Vec<ReplayDeployment> = csv(text.as_bytes()).collect::<Result<_, _>>().unwrap();
        let canary = &ds[0].obs.canary;
        assert_eq!(
            canary["error_rate"].counts,
            Some(vec![850, 910]),
            "the last of a repeated point wins, count included"
        );
        assert_eq!(canary["latency_p99"].counts, None, "empty cells: no counts");
        assert_eq!(
            canary["conversion_rate"].counts, None,
            "a series has counts only when every point has one"
        );
        // Without the column, as before.
        let text =
            "deployment,metric,cohort,ts,value\na,error_rate,canary,2026-11-24T10:00:00Z,1\n";
        let ds: Vec<ReplayDeployment> = csv(text.as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(ds[0].obs.canary["error_rate"].counts, None);
    }

    #[test]
    fn csv_bad_counts_name_the_line() {
        for bad in ["1.5", "-1", "x", "1e30", "9223372036854775808"] {
            let text = format!(
                "deployment,metric,cohort,ts,value,count\na,error_rate,canary,2026-11-24T10:00:00Z,1,1\na,error_rate,canary,2026-11-24T10:01:00Z,1,{bad}\n"
            );
            let err = csv(text.as_bytes())
                .find_map(Result::err)
                .unwrap()
                .to_string();
            assert!(
                err.starts_with("line 3: error_rate: count ")
                    && err.contains("must be a whole number from 0 to 9223372036854775807"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn ndjson_points_carry_counts() {
        let text = r#"{"key": "a", "metrics": {"error_rate": [{"ts": "2026-11-24T10:00:00Z", "value": 1, "count": 850}]}}
{"key": "b", "metrics": {"error_rate": [{"ts": "2026-11-24T10:00:00Z", "value": 1, "count": 850}, {"ts": "2026-11-24T10:01:00Z", "value": 1}]}}"#;
        let mut ds = ndjson(text.as_bytes());
        let a = ds.next().unwrap().unwrap();
        assert_eq!(a.obs.canary["error_rate"].counts, Some(vec![850]));
        let err = ds.next().unwrap().unwrap_err().to_string();
        assert_eq!(
            err,
            "line 2: metrics.error_rate[1]: a series must give count on every point or on none (b)"
        );
    }
}
