//! `GET /v1/deployments/{key}/points`: a deployment's stored series read back, one entry per
//! (metric, cohort), for charts (the dashboard) and for checking what was ingested.

use axum::Json as JsonResponse;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::extract::{KeyParam, Query};
use crate::error::{ApiError, ErrorBody};
use crate::service::{Cohort, DeploymentKey, MetricName, Point};

/// Most points returned per series when the request gives no `limit`.
pub const DEFAULT_PER_SERIES: i64 = 10_000;
/// Largest accepted `limit`.
pub const MAX_PER_SERIES: i64 = 100_000;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PointsQuery {
    /// Only this metric, e.g. `error_rate`; default every stored metric.
    #[param(value_type = Option<MetricName>, inline)]
    pub metric: Option<String>,
    /// Only this cohort; default every cohort.
    pub cohort: Option<Cohort>,
    /// Most recent points kept per series, 1–100000 (default 10000); older ones are cut and the
    /// series is marked `truncated`.
    #[param(minimum = 1, maximum = 100000)]
    pub limit: Option<i64>,
}

/// One stored point. Named `StoredPoint` in the API document: `SeriesPoint` is the evaluation
/// document's (a number or a `{ts, value}`), and one name would silently replace the other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = StoredPoint)]
pub struct SeriesPoint {
    pub ts: DateTime<Utc>,
    pub value: f64,
    /// The number of requests (sessions, for `conversion_rate`) behind the value; absent when
    /// the point was stored without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, nullable = false)]
    pub count: Option<u64>,
}

/// One (metric, cohort) series, oldest point first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredSeries {
    #[schema(example = "error_rate")]
    pub metric: String,
    pub cohort: Cohort,
    pub points: Vec<SeriesPoint>,
    /// Older points exist beyond `limit` and were left out.
    pub truncated: bool,
}

/// A deployment's stored series, by metric then cohort (canary, baseline, pre).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SeriesList {
    pub deployment: String,
    pub series: Vec<StoredSeries>,
}

/// Groups points (ordered by metric, cohort, time, each series carrying at most one point more
/// than `limit`) into series, cutting the oldest extra point.
fn group(points: Vec<Point>, limit: i64) -> Vec<StoredSeries> {
    let mut out: Vec<StoredSeries> = Vec::new();
    for p in points {
        let same = out
            .last()
            .is_some_and(|s| s.metric == p.metric() && s.cohort == p.cohort());
        if !same {
            out.push(StoredSeries {
                metric: p.metric().to_string(),
                cohort: p.cohort(),
                points: Vec::new(),
                truncated: false,
            });
        }
        let series = out.last_mut().expect("pushed above");
        series.points.push(SeriesPoint {
            ts: p.ts(),
            value: p.value(),
            count: p.count(),
        });
    }
    for s in &mut out {
        if s.points.len() as i64 > limit {
            s.points.remove(0);
            s.truncated = true;
        }
    }
    out.sort_by(|a, b| (&a.metric, a.cohort).cmp(&(&b.metric, b.cohort)));
    out
}

/// The deployment's stored points, one series per (metric, cohort), oldest first. Each series
/// keeps its most recent `limit` points.
#[utoipa::path(
    get, path = "/v1/deployments/{key}/points", tag = "deployments",
    params(KeyParam, PointsQuery),
    responses(
        (status = 200, description = "The deployment's series (empty when it has no points)", body = SeriesList),
        (status = 400, description = "Bad key or query", body = ErrorBody),
        (status = 404, description = "No such deployment", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn read_points(
    State(state): State<AppState>,
    key: DeploymentKey,
    Query(q): Query<PointsQuery>,
) -> Result<JsonResponse<SeriesList>, ApiError> {
    let metric = q
        .metric
        .as_deref()
        .map(MetricName::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request("invalid_query", e.to_string()))?;
    let limit = match q.limit {
        None => DEFAULT_PER_SERIES,
        Some(n @ 1..=MAX_PER_SERIES) => n,
        Some(n) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("limit {n} must be between 1 and {MAX_PER_SERIES}"),
            ));
        }
    };
    let points = state
        .service
        .read_points(&key, metric.as_ref(), q.cohort, limit)
        .await?;
    Ok(JsonResponse(SeriesList {
        deployment: key.to_string(),
        series: group(points, limit),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(metric: &str, cohort: Cohort, minute: i64, value: f64) -> Point {
        Point::new(
            metric,
            cohort,
            DateTime::from_timestamp(minute * 60, 0).unwrap(),
            value,
            None,
        )
        .unwrap()
    }

    #[test]
    fn groups_by_metric_and_cohort_and_cuts_the_extra_oldest_point() {
        let points = vec![
            p("error_rate", Cohort::Baseline, 0, 1.0),
            p("error_rate", Cohort::Canary, 0, 1.0),
            p("error_rate", Cohort::Canary, 1, 2.0),
            p("error_rate", Cohort::Canary, 2, 3.0),
            p("latency_p99", Cohort::Canary, 0, 200.0),
        ];
        let series = group(points, 2);
        let shape: Vec<_> = series
            .iter()
            .map(|s| (s.metric.as_str(), s.cohort, s.points.len(), s.truncated))
            .collect();
        assert_eq!(
            shape,
            [
                ("error_rate", Cohort::Canary, 2, true),
                ("error_rate", Cohort::Baseline, 1, false),
                ("latency_p99", Cohort::Canary, 1, false),
            ]
        );
        assert_eq!(series[0].points[0].value, 2.0);
    }

    #[test]
    fn a_count_is_read_back_and_an_absent_one_is_omitted() {
        let t = DateTime::from_timestamp(0, 0).unwrap();
        let counted = Point::new("error_rate", Cohort::Canary, t, 1.0, Some(850)).unwrap();
        let series = group(
            vec![counted, p("latency_p99", Cohort::Canary, 0, 200.0)],
            10,
        );
        assert_eq!(series[0].points[0].count, Some(850));
        let json = serde_json::to_value(&series).unwrap();
        assert_eq!(json[0]["points"][0]["count"], 850);
        assert!(json[1]["points"][0].get("count").is_none(), "{json}");
    }
}
