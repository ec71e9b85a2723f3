//! The service under release and its metrics pusher, in simulated time: one point a minute per
//! cohort (canary and baseline, each with its count), drawn from a seeded RNG, POSTed to a live
//! `rollguard serve` with the timestamps of simulated time.
//!
//! Each minute the canary serves 100–300 requests and the baseline (the stable version) ten times
//! as many. Requests fail independently with probability 0.5 % (Binomial); the p99 latency is
//! 180 ms times a drift both cohorts share (log-normal, σ 0.05) and noise of its own (σ 0.08);
//! one request in five is a session, converting with probability 3 %. A broken canary adds 5
//! points to its error probability, or 50 % to its p99.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Binomial, Distribution, Normal};
use serde_json::{Value, json};

use super::clock::Clock;

/// What the canary does differently from the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Canary {
    /// The same code, measured apart: no worse than the baseline.
    Healthy,
    /// Error probability +5 points (0.5 % → 5.5 %).
    MoreErrors,
    /// p99 latency × 1.5.
    Slower,
}

/// The service's shape and what its pusher reports.
#[derive(Clone, Copy, Debug)]
pub struct Service {
    pub canary: Canary,
    /// Whether the service has a conversion KPI at all.
    pub conversion: bool,
    /// Whether the canary's metrics reach rollguard (a broken pusher or scrape sends none; the
    /// baseline's still arrive).
    pub canary_reports: bool,
}

impl Service {
    pub fn healthy() -> Self {
        Service {
            canary: Canary::Healthy,
            conversion: true,
            canary_reports: true,
        }
    }

    pub fn with(canary: Canary) -> Self {
        Service {
            canary,
            ..Self::healthy()
        }
    }
}

const BASE_ERROR: f64 = 0.005;
const BROKEN_ERROR_POINTS: f64 = 0.05;
const BASE_P99_MS: f64 = 180.0;
const SLOWER: f64 = 1.5;
const SESSION_SHARE: u64 = 5;
const CONVERSION: f64 = 0.03;

/// What a controller's loop drives besides rollguard: the canary's traffic, and time passing.
/// A [`Pusher`] sends points in simulated time; [`super::live::Live`] lets Prometheus scrape an
/// exporter in real time.
#[allow(async_fn_in_trait)]
pub trait Feed {
    /// The rollout set the canary's weight (percent) at `minute` since the clock's epoch.
    fn set_weight(&mut self, weight: u32, minute: u64);
    /// Time has reached `clock.now()`: whatever reports the metrics has reported up to it.
    async fn catch_up(&mut self, clock: &Clock);
}

impl Feed for Pusher {
    fn set_weight(&mut self, weight: u32, minute: u64) {
        if weight > 0 {
            self.canary_traffic_from(minute);
        }
    }

    async fn catch_up(&mut self, clock: &Clock) {
        Pusher::catch_up(self, clock).await;
    }
}

/// Pushes one point a minute per cohort to one deployment key, up to the simulated clock.
pub struct Pusher {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
    rng: StdRng,
    pub service: Service,
    /// The next minute (since the clock's epoch) to push.
    next: u64,
    /// The canary has traffic from this minute on (`None`: none yet, e.g. Flagger before its
    /// first weight step).
    canary_from: Option<u64>,
    pub pushed: usize,
}

impl Pusher {
    pub fn new(base: &str, key: &str, token: Option<&str>, seed: u64, service: Service) -> Self {
        Pusher {
            client: reqwest::Client::new(),
            url: format!("{base}/v1/deployments/{key}/points"),
            token: token.map(String::from),
            rng: StdRng::seed_from_u64(seed),
            service,
            next: 1,
            canary_from: None,
            pushed: 0,
        }
    }

    /// The canary gets traffic from minute `minute` on (its points cover the minute before
    /// their timestamp, so the first is at `minute + 1`).
    pub fn canary_traffic_from(&mut self, minute: u64) {
        self.canary_from.get_or_insert(minute);
    }

    /// The canary gets no traffic any more (rolled back, or a new revision restarts at 0).
    pub fn canary_stopped(&mut self) {
        self.canary_from = None;
    }

    /// Sends every minute whose timestamp is at or before `clock.now()`: the pusher reports a
    /// minute as soon as it ends.
    pub async fn catch_up(&mut self, clock: &Clock) {
        while self.next * 60 <= clock.now() {
            let minute = self.next;
            self.next += 1;
            let canary = self
                .canary_from
                .is_some_and(|from| minute > from && self.service.canary_reports);
            let batch = self.minute(clock, minute, canary);
            let mut req = self.client.post(&self.url).json(&batch);
            if let Some(t) = &self.token {
                req = req.bearer_auth(t);
            }
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
            self.pushed += batch["points"].as_array().unwrap().len();
        }
    }

    /// One minute's points: the baseline's always, the canary's when it has traffic.
    fn minute(&mut self, clock: &Clock, minute: u64, canary: bool) -> Value {
        let ts = clock.rfc3339(minute * 60);
        let drift = Normal::new(0.0_f64, 0.05)
            .unwrap()
            .sample(&mut self.rng)
            .exp();
        let canary_requests: u64 = self.rng.random_range(100..=300);
        let mut points = self.cohort(
            &ts,
            "baseline",
            canary_requests * 10,
            drift,
            Canary::Healthy,
        );
        if canary {
            points.extend(self.cohort(&ts, "canary", canary_requests, drift, self.service.canary));
        }
        json!({ "points": points })
    }

    fn cohort(
        &mut self,
        ts: &str,
        cohort: &str,
        requests: u64,
        drift: f64,
        kind: Canary,
    ) -> Vec<Value> {
        let p_error = BASE_ERROR
            + if kind == Canary::MoreErrors {
                BROKEN_ERROR_POINTS
            } else {
                0.0
            };
        let errors = Binomial::new(requests, p_error)
            .unwrap()
            .sample(&mut self.rng);
        let noise = Normal::new(0.0_f64, 0.08)
            .unwrap()
            .sample(&mut self.rng)
            .exp();
        let slower = if kind == Canary::Slower { SLOWER } else { 1.0 };
        let p99 = BASE_P99_MS * drift * noise * slower;
        let mut out = vec![
            json!({"metric": "error_rate", "cohort": cohort, "ts": ts,
                   "value": 100.0 * errors as f64 / requests as f64, "count": requests}),
            json!({"metric": "latency_p99", "cohort": cohort, "ts": ts,
                   "value": (p99 * 10.0).round() / 10.0, "count": requests}),
        ];
        if self.service.conversion {
            let sessions = requests / SESSION_SHARE;
            let conversions = Binomial::new(sessions, CONVERSION)
                .unwrap()
                .sample(&mut self.rng);
            out.push(
                json!({"metric": "conversion_rate", "cohort": cohort, "ts": ts,
                "value": conversions as f64 / sessions as f64, "count": sessions}),
            );
        }
        out
    }
}
