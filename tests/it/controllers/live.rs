//! The controller's loop against a real Prometheus, with nothing pushed: time scaled down so
//! that one simulated minute is one real second.
//!
//! A pull reads Prometheus up to the real now, so the simulated clock cannot run ahead of it:
//! [`Live::catch_up`] waits until Prometheus reports a scrape at or after the real time that
//! the simulated time maps to (the data the next pull reads is there, however slow the scrape). A small
//! exporter serves the service's counters, labelled as a PodMonitor labels a Rollout's pods
//! (`namespace`, `rollouts_pod_template_hash`), growing with real time: 2,000 requests a second
//! split between the stable version and the canary by the Rollout's weight (so 200 a second
//! at 10 %), errors at 1 % (a broken canary's jump to 10 % at a given minute), every request's
//! latency in the buckets of [`BUCKETS`] (p99 150 ms). Prometheus scrapes it every 250 ms and
//! the template set's step is 1 s: each simulated minute of the rollout is one pulled point,
//! as each real minute is at the documented 60 s step.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use super::clock::Clock;
use super::traffic::Feed;
use crate::prometheus::BUCKETS;

/// Simulated seconds per real second.
pub const SCALE: u64 = 60;
/// Requests a (real) second, both versions together.
const REQUESTS_PER_SECOND: f64 = 2000.0;
const ERRORS: f64 = 0.01;
const BROKEN_ERRORS: f64 = 0.10;

/// What the exporter serves: the traffic's shape, as real times since the rollout started.
struct Model {
    namespace: String,
    label: String,
    canary_hash: String,
    stable_hash: String,
    /// The canary's weight (fraction) from each real time on, in order; none before the first.
    weights: Vec<(Duration, f64)>,
    /// The canary's errors jump to [`BROKEN_ERRORS`] at this real time.
    onset: Option<Duration>,
    /// Whether the canary's pods are scraped at all (a PodMonitor that misses them: none).
    canary_scraped: bool,
}

/// Requests and errors since the start: (requests, errors) of the canary, then of the stable.
type Totals = ((f64, f64), (f64, f64));

impl Model {
    /// The integrals of the piecewise-constant rates up to `now`.
    fn totals(&self, now: Duration) -> Totals {
        let mut cuts: Vec<Duration> = self.weights.iter().map(|(t, _)| *t).collect();
        cuts.extend(self.onset);
        cuts.push(Duration::ZERO);
        cuts.push(now);
        cuts.retain(|t| *t <= now);
        cuts.sort();
        cuts.dedup();
        let (mut canary, mut stable) = ((0.0, 0.0), (0.0, 0.0));
        for w in cuts.windows(2) {
            let (from, to) = (w[0], w[1]);
            let seconds = (to - from).as_secs_f64();
            let weight = self
                .weights
                .iter()
                .rev()
                .find(|(t, _)| *t <= from)
                .map_or(0.0, |(_, w)| *w);
            let canary_errors = if self.onset.is_some_and(|o| o <= from) {
                BROKEN_ERRORS
            } else {
                ERRORS
            };
            let c = REQUESTS_PER_SECOND * weight * seconds;
            let s = REQUESTS_PER_SECOND * (1.0 - weight) * seconds;
            canary.0 += c;
            canary.1 += c * canary_errors;
            stable.0 += s;
            stable.1 += s * ERRORS;
        }
        (canary, stable)
    }

    /// The Prometheus text of both versions at `now` (the canary's once it has pods).
    fn text(&self, now: Duration) -> String {
        let (canary, stable) = self.totals(now);
        let mut versions = vec![(&self.stable_hash, stable)];
        if self.canary_scraped && self.weights.first().is_some_and(|(t, _)| *t <= now) {
            versions.push((&self.canary_hash, canary));
        }
        let mut out = String::new();
        for (hash, (requests, errors)) in versions {
            let labels = format!("namespace=\"{}\",{}=\"{hash}\"", self.namespace, self.label);
            writeln!(
                out,
                "http_requests_total{{{labels},code=\"200\"}} {}",
                requests - errors
            )
            .unwrap();
            writeln!(out, "http_requests_total{{{labels},code=\"500\"}} {errors}").unwrap();
            for (le, fraction) in BUCKETS {
                writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                    requests * fraction
                )
                .unwrap();
            }
            writeln!(
                out,
                "http_request_duration_seconds_count{{{labels}}} {requests}"
            )
            .unwrap();
        }
        out
    }
}

/// The rollout's world in real time: the exporter's model, and the real instant that
/// simulated time 0 maps to.
pub struct Live {
    model: Arc<Mutex<Model>>,
    /// When the exporter started: the model's times are real time since then.
    born: Instant,
    /// The real instant of simulated time 0, once [`Live::begin`] set it.
    origin: Option<Instant>,
    onset_minute: Option<u64>,
    /// The exporter's `host:port`, for Prometheus to scrape.
    pub target: String,
    /// The Prometheus that scrapes it, once [`Live::watch`] named it.
    prometheus: Option<String>,
}

/// What the service looks like to Prometheus.
pub struct Pods<'a> {
    pub namespace: &'a str,
    /// The pod label that carries the pod-template hash, as Prometheus names it.
    pub label: &'a str,
    pub canary_hash: &'a str,
    pub stable_hash: &'a str,
    /// The simulated minute at which the canary's error rate jumps to 10 %, if it does.
    pub onset_minute: Option<u64>,
    /// Whether Prometheus scrapes the canary's pods (it always scrapes the stable ones).
    pub canary_scraped: bool,
}

impl Live {
    /// Serves the exporter: the stable version's traffic, until the rollout sets a weight.
    pub async fn start(pods: Pods<'_>) -> Live {
        let born = Instant::now();
        let model = Arc::new(Mutex::new(Model {
            namespace: pods.namespace.into(),
            label: pods.label.into(),
            canary_hash: pods.canary_hash.into(),
            stable_hash: pods.stable_hash.into(),
            weights: Vec::new(),
            onset: None,
            canary_scraped: pods.canary_scraped,
        }));
        let served = model.clone();
        let app = axum::Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                let served = served.clone();
                async move { served.lock().unwrap().text(born.elapsed()) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Live {
            model,
            born,
            origin: None,
            onset_minute: pods.onset_minute,
            target,
            prometheus: None,
        }
    }

    /// The Prometheus (its base URL) that scrapes the exporter: [`Live::catch_up`] asks it.
    pub fn watch(&mut self, prometheus: &str) {
        self.prometheus = Some(prometheus.to_string());
    }

    /// Simulated time `clock.now()` is now: the rollout starts.
    pub fn begin(&mut self, clock: &Clock) {
        let origin = Instant::now() - real(clock.now());
        self.origin = Some(origin);
        self.model.lock().unwrap().onset = self
            .onset_minute
            .map(|m| (origin + real(m * 60)).duration_since(self.born));
    }
}

/// Simulated seconds as real time.
fn real(simulated: u64) -> Duration {
    Duration::from_secs_f64(simulated as f64 / SCALE as f64)
}

impl Feed for Live {
    fn set_weight(&mut self, weight: u32, _minute: u64) {
        // The loop reaches the step when real time reaches its simulated time.
        let now = self.born.elapsed();
        self.model
            .lock()
            .unwrap()
            .weights
            .push((now, f64::from(weight) / 100.0));
    }

    async fn catch_up(&mut self, clock: &Clock) {
        let origin = self.origin.expect("Live::begin before the rollout");
        let prometheus = self
            .prometheus
            .as_deref()
            .expect("Live::watch before the rollout");
        // The wall-clock time (Unix seconds) that simulated time maps to.
        let due = origin + real(clock.now());
        let (now, wall) = (Instant::now(), SystemTime::now());
        let due = if due >= now {
            wall + (due - now)
        } else {
            wall - (now - due)
        };
        let due = due.duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
        let http = reqwest::Client::new();
        let url = format!("{prometheus}/api/v1/query");
        crate::support::eventually(
            &format!("Prometheus scraped up to simulated second {}", clock.now()),
            Duration::from_secs(60),
            || {
                let request = http
                    .get(&url)
                    .query(&[("query", "max(timestamp(http_requests_total))")]);
                async move {
                    let body: serde_json::Value = request.send().await.ok()?.json().await.ok()?;
                    let last: f64 = body["data"]["result"][0]["value"][1]
                        .as_str()?
                        .parse()
                        .ok()?;
                    (last >= due).then_some(())
                }
            },
        )
        .await;
    }
}
