//! Prometheus as a source (issue 17), against a real Prometheus (Debian's `prometheus`, started
//! here on a free port with its data in a temp dir): history backfilled with
//! `promtool tsdb create-blocks-from openmetrics`, or scraped every second from a small exporter
//! the test serves. Verdicts pulled from it match the same points pushed; pulls are incremental;
//! a Prometheus that stops gives stored-point verdicts while they are recent and `inconclusive`
//! after, never a 5xx; a template Prometheus rejects is a 400 with its message; basic auth.

use std::fmt::Write as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use rollguard::service::SourceSettings;

use crate::support::{Backend, TestServer, assert_error, eventually, on_both_backends};

/// A bcrypt hash (cost 4) of [`PROM_PASSWORD`], made with Python's `crypt` (libxcrypt): Prometheus's
/// web config keeps only the hash.
const PROM_HASH: &str = "$2b$04$8o1WcqHHjTOoa5etq8i4Ve/U6t3i/rBk30g3HlLNQ8JhJmCFIoHgG";
const PROM_USER: &str = "rollguard";
const PROM_PASSWORD: &str = "prom-secret";

/// A Prometheus server of our own: its process, port and data directory.
pub struct Prom {
    child: Option<Child>,
    pub url: String,
    pub dir: tempfile::TempDir,
}

/// How to start one.
#[derive(Default)]
pub struct PromOptions {
    /// OpenMetrics text to backfill before start.
    pub history: Option<String>,
    /// `host:port` to scrape every second (or every `scrape_interval`).
    pub scrape: Option<String>,
    /// A Prometheus duration such as `250ms`; default `1s`.
    pub scrape_interval: Option<&'static str>,
    /// Require basic auth ([`PROM_USER`], [`PROM_PASSWORD`]).
    pub basic_auth: bool,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Prom {
    pub async fn start(opts: PromOptions) -> Prom {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        if let Some(history) = &opts.history {
            let file = dir.path().join("history.om");
            std::fs::write(&file, history).unwrap();
            run(Command::new("promtool")
                .args(["tsdb", "create-blocks-from", "openmetrics"])
                .arg(&file)
                .arg(&data));
        }
        let every = opts.scrape_interval.unwrap_or("1s");
        let scrape = match &opts.scrape {
            Some(target) => format!(
                "scrape_configs:\n  - job_name: app\n    scrape_interval: {every}\n    static_configs:\n      - targets: ['{target}']\n"
            ),
            None => "scrape_configs: []\n".into(),
        };
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n{scrape}"),
        )
        .unwrap();
        let port = free_port();
        let mut cmd = Command::new("prometheus");
        cmd.arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if opts.basic_auth {
            let web = dir.path().join("web.yml");
            std::fs::write(
                &web,
                format!("basic_auth_users:\n  {PROM_USER}: {PROM_HASH}\n"),
            )
            .unwrap();
            cmd.arg(format!("--web.config.file={}", web.display()));
        }
        let child = cmd
            .spawn()
            .expect("prometheus (Debian package `prometheus`)");
        let prom = Prom {
            child: Some(child),
            url: format!("http://127.0.0.1:{port}"),
            dir,
        };
        let client = reqwest::Client::new();
        let ready = format!("{}/-/ready", prom.url);
        eventually("prometheus ready", Duration::from_secs(60), || {
            let mut req = client.get(&ready);
            if opts.basic_auth {
                req = req.basic_auth(PROM_USER, Some(PROM_PASSWORD));
            }
            async move { req.send().await.ok().filter(|r| r.status().is_success()) }
        })
        .await;
        prom
    }

    /// Stops the server (SIGKILL: a crash, as far as rollguard can tell).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// An instant query's first value, straight from Prometheus.
    pub async fn instant(&self, query: &str) -> Option<f64> {
        let body: Value = reqwest::Client::new()
            .post(format!("{}/api/v1/query", self.url))
            .form(&[("query", query)])
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        body["data"]["result"][0]["value"][1]
            .as_str()
            .and_then(|v| v.parse().ok())
    }
}

impl Drop for Prom {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One version's traffic in the backfilled history: 10 requests/s, a 5xx fraction that becomes
/// `broken_errors` after `onset`, and a latency histogram whose p99 is 150 ms.
pub struct Traffic<'a> {
    pub service: &'a str,
    pub version: &'a str,
    pub errors: f64,
    pub broken_errors: f64,
    pub onset: Option<DateTime<Utc>>,
}

impl Traffic<'_> {
    /// The 5xx fraction of the requests in the 15 s ending at `t`.
    fn error_fraction(&self, t: DateTime<Utc>) -> f64 {
        match self.onset {
            Some(onset) if t > onset => self.broken_errors,
            _ => self.errors,
        }
    }
}

/// Requests per 15 s sample.
const PER_SAMPLE: f64 = 150.0;
/// Cumulative bucket fractions: p99 falls in (0.1, 0.2], at 0.1 + 0.1 × (0.99 − 0.98) / 0.02
/// = 0.15 s.
pub const BUCKETS: [(&str, f64); 4] = [("0.05", 0.5), ("0.1", 0.98), ("0.2", 1.0), ("+Inf", 1.0)];
pub const P99_MS: f64 = 150.0;

/// OpenMetrics text of `traffic` sampled every 15 s over [from, to] (counters from 0 at
/// `from`). Every series is typed `gauge` (Prometheus's TSDB keeps no types; PromQL's `rate`
/// and `histogram_quantile` read them the same), which keeps each family one series name.
pub fn history(traffic: &[Traffic<'_>], from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let times: Vec<DateTime<Utc>> = std::iter::successors(Some(from), |t| {
        Some(*t + TimeDelta::seconds(15)).filter(|n| *n <= to)
    })
    .collect();
    let mut out = String::new();
    let mut family = |name: &str, series: &mut dyn FnMut(&Traffic<'_>, &mut String)| {
        writeln!(out, "# TYPE {name} gauge").unwrap();
        for t in traffic {
            series(t, &mut out);
        }
    };
    family("http_requests_total", &mut |t, out| {
        for code in ["200", "500"] {
            let mut total = 0.0;
            for (i, ts) in times.iter().enumerate() {
                if i > 0 {
                    let e = t.error_fraction(*ts);
                    total += PER_SAMPLE * if code == "500" { e } else { 1.0 - e };
                }
                writeln!(
                    out,
                    "http_requests_total{{service=\"{}\",version=\"{}\",code=\"{code}\"}} {total} {}",
                    t.service,
                    t.version,
                    ts.timestamp()
                )
                .unwrap();
            }
        }
    });
    family("http_request_duration_seconds_bucket", &mut |t, out| {
        for (le, fraction) in BUCKETS {
            for (i, ts) in times.iter().enumerate() {
                let v = PER_SAMPLE * fraction * i as f64;
                writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{service=\"{}\",version=\"{}\",le=\"{le}\"}} {v} {}",
                    t.service,
                    t.version,
                    ts.timestamp()
                )
                .unwrap();
            }
        }
    });
    family("http_request_duration_seconds_count", &mut |t, out| {
        for (i, ts) in times.iter().enumerate() {
            writeln!(
                out,
                "http_request_duration_seconds_count{{service=\"{}\",version=\"{}\"}} {} {}",
                t.service,
                t.version,
                PER_SAMPLE * i as f64,
                ts.timestamp()
            )
            .unwrap();
        }
    });
    out.push_str("# EOF\n");
    out
}

/// `t` rounded down to the minute.
fn minute_floor(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp().div_euclid(60) * 60, 0).unwrap()
}

/// The history every backfilled test reads: `checkout` (canary v2 healthy, 1 % errors like the
/// baseline v1) and `payments` (canary v3 at 10 % errors from `onset`), from 45 minutes ago to
/// `end`, two minutes ago.
struct Backfill {
    prom: Prom,
    /// When the deployments started (minute-aligned).
    started: DateTime<Utc>,
    onset: DateTime<Utc>,
    end: DateTime<Utc>,
}

async fn backfilled(basic_auth: bool) -> Backfill {
    let now = minute_floor(Utc::now());
    let start = now - TimeDelta::minutes(45);
    let started = now - TimeDelta::minutes(40);
    let onset = now - TimeDelta::minutes(20);
    let end = now - TimeDelta::minutes(2);
    let traffic = [
        Traffic {
            service: "checkout",
            version: "v1",
            errors: 0.01,
            broken_errors: 0.01,
            onset: None,
        },
        Traffic {
            service: "checkout",
            version: "v2",
            errors: 0.01,
            broken_errors: 0.01,
            onset: None,
        },
        Traffic {
            service: "payments",
            version: "v1",
            errors: 0.01,
            broken_errors: 0.01,
            onset: None,
        },
        Traffic {
            service: "payments",
            version: "v3",
            errors: 0.01,
            broken_errors: 0.10,
            onset: Some(onset),
        },
    ];
    let prom = Prom::start(PromOptions {
        history: Some(history(&traffic, start, end)),
        basic_auth,
        ..PromOptions::default()
    })
    .await;
    Backfill {
        prom,
        started,
        onset,
        end,
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A source named `prom` at `url`, and the `http` preset for the `production` environment.
async fn configure(s: &TestServer, url: &str, auth: Option<Value>) {
    let mut source = json!({"url": url, "timeout_ms": 2000});
    if let Some(auth) = auth {
        source["auth"] = auth;
    }
    let (status, body) = s.put("/v1/sources/prom", source).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = s
        .put(
            "/v1/templates/environment/production",
            json!({"source": "prom", "preset": "http"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

async fn put_deployment(
    s: &TestServer,
    key: &str,
    service: &str,
    version: &str,
    started: DateTime<Utc>,
) {
    let (status, body) = s
        .put(
            &format!("/v1/deployments/{key}"),
            json!({"service": service, "environment": "production", "version": version,
                   "started_at": rfc3339(started), "labels": {"baseline_version": "v1"}}),
        )
        .await;
    assert!(status == 201 || status == 200, "{body}");
}

async fn verdict(s: &TestServer, key: &str) -> Value {
    let (status, body) = s
        .post(&format!("/v1/deployments/{key}/verdicts"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// One stored series: metric, cohort, and its (ts, value, count) points.
type StoredSeries = (String, String, Vec<(String, f64, Option<u64>)>);

/// The stored series of a deployment.
async fn stored(s: &TestServer, key: &str) -> Vec<StoredSeries> {
    let (status, body) = s.get(&format!("/v1/deployments/{key}/points")).await;
    assert_eq!(status, 200, "{body}");
    body["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|series| {
            let points = series["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["ts"].as_str().unwrap().to_string(),
                        p["value"].as_f64().unwrap(),
                        p.get("count").and_then(Value::as_u64),
                    )
                })
                .collect();
            (
                series["metric"].as_str().unwrap().to_string(),
                series["cohort"].as_str().unwrap().to_string(),
                points,
            )
        })
        .collect()
}

fn stored_count(series: &[StoredSeries]) -> usize {
    series.iter().map(|s| s.2.len()).sum()
}

/// The rules' (rule, status) pairs of a verdict.
fn rule_statuses(v: &Value) -> Vec<(String, String)> {
    v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn pulled_verdicts_match_pushed_points(backend: Backend) {
    let b = backfilled(false).await;
    let s = TestServer::start(backend).await;
    configure(&s, &b.prom.url, None).await;
    put_deployment(&s, "checkout.v2", "checkout", "v2", b.started).await;
    put_deployment(&s, "payments.v3", "payments", "v3", b.started).await;

    let healthy = verdict(&s, "checkout.v2").await;
    let broken = verdict(&s, "payments.v3").await;
    for v in [&healthy, &broken] {
        assert_eq!(v["pull"]["status"], "pulled", "{v}");
        assert_eq!(v["pull"]["series"].as_array().unwrap().len(), 4, "{v}");
    }
    assert_eq!(broken["verdict"], "rollback", "{broken}");
    assert_ne!(healthy["verdict"], "rollback", "{healthy}");
    // The report names the queries as run, placeholders filled.
    let q = healthy["pull"]["series"][0]["query"].as_str().unwrap();
    assert!(q.contains(r#"service="checkout",version="v2""#), "{q}");

    // What was stored is what the history says: one point a minute from the start to the end
    // of the data, with exact rates and 600 requests a minute.
    let series = stored(&s, "payments.v3").await;
    let minutes = (b.end - b.started).num_minutes() as usize + 1;
    for (metric, cohort, points) in &series {
        assert_eq!(points.len(), minutes, "{metric}/{cohort}");
        for (ts, value, count) in points {
            let t: DateTime<Utc> = ts.parse().unwrap();
            let expected = match (metric.as_str(), cohort.as_str()) {
                ("error_rate", "canary") if t >= b.onset + TimeDelta::minutes(1) => 10.0,
                ("error_rate", _) => 1.0,
                ("latency_p99", _) => P99_MS,
                other => panic!("unexpected series {other:?}"),
            };
            assert!(
                (value - expected).abs() < 1e-6,
                "{metric}/{cohort} at {ts}: {value}"
            );
            assert_eq!(*count, Some(600), "{metric}/{cohort} at {ts}");
        }
    }

    // The same points pushed to a deployment with no source give the same verdict.
    for (key, pulled) in [("payments.v3", &broken), ("checkout.v2", &healthy)] {
        let pushed_key = format!("pushed.{key}");
        let points: Vec<Value> = stored(&s, key)
            .await
            .into_iter()
            .flat_map(|(metric, cohort, points)| {
                points.into_iter().map(move |(ts, value, count)| {
                    json!({"metric": metric, "cohort": cohort, "ts": ts, "value": value, "count": count})
                })
            })
            .collect();
        let (status, body) = s
            .post(
                &format!("/v1/deployments/{pushed_key}/points"),
                json!({"points": points}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let pushed = verdict(&s, &pushed_key).await;
        assert!(pushed.get("pull").is_none(), "{pushed}");
        assert_eq!(pushed["verdict"], pulled["verdict"], "{key}");
        assert_eq!(rule_statuses(&pushed), rule_statuses(pulled), "{key}");
        for (a, b) in pushed["rules"]
            .as_array()
            .unwrap()
            .iter()
            .zip(pulled["rules"].as_array().unwrap())
        {
            assert_eq!(a["observed"], b["observed"], "{key}");
        }
    }
}

async fn a_verdict_that_finds_the_series_up_to_date_reads_nothing(backend: Backend) {
    let b = backfilled(false).await;
    let s = TestServer::start(backend).await;
    configure(&s, &b.prom.url, None).await;
    put_deployment(&s, "checkout.v2", "checkout", "v2", b.started).await;
    // Concurrent verdicts: one pulls, the others wait for it and find nothing new.
    let key = "checkout.v2";
    let (a, b2, c, d) = tokio::join!(
        verdict(&s, key),
        verdict(&s, key),
        verdict(&s, key),
        verdict(&s, key)
    );
    let verdicts = [a, b2, c, d];
    let pulled: Vec<&Value> = verdicts
        .iter()
        .filter(|v| v["pull"]["series"][0].get("from").is_some())
        .collect();
    // Minutes can turn between the calls; then a later call reads the one new step. Never
    // does a second call read the whole range again.
    let full = verdicts
        .iter()
        .filter(|v| {
            v["pull"]["series"][0]["previously_until"].is_null()
                && v["pull"]["series"][0].get("from").is_some()
        })
        .count();
    assert_eq!(full, 1, "{verdicts:?}");
    assert!(!pulled.is_empty());
    let points = stored_count(&stored(&s, "checkout.v2").await);
    let minutes = (b.end - b.started).num_minutes() as usize + 1;
    assert_eq!(points, 4 * minutes);
}

/// A tiny exporter whose counters grow with time: 10 requests/s, 2 % of them 5xx, every
/// request under 50 ms.
async fn exporter() -> String {
    let started = Instant::now();
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || async move {
            let s = started.elapsed().as_secs_f64();
            let total = 10.0 * s;
            let mut out = String::new();
            for (version, errors) in [("v1", 0.02), ("v2", 0.02)] {
                let labels = format!("service=\"live\",version=\"{version}\"");
                writeln!(
                    out,
                    "http_requests_total{{{labels},code=\"200\"}} {}",
                    total * (1.0 - errors)
                )
                .unwrap();
                writeln!(
                    out,
                    "http_requests_total{{{labels},code=\"500\"}} {}",
                    total * errors
                )
                .unwrap();
                for le in ["0.05", "0.1", "+Inf"] {
                    writeln!(
                        out,
                        "http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {total}"
                    )
                    .unwrap();
                }
                writeln!(
                    out,
                    "http_request_duration_seconds_count{{{labels}}} {total}"
                )
                .unwrap();
            }
            out
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn pull_ends(v: &Value, field: &str) -> Vec<Option<String>> {
    v["pull"]["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[field].as_str().map(str::to_string))
        .collect()
}

async fn a_second_verdict_reads_only_the_new_range(backend: Backend) {
    let target = exporter().await;
    let prom = Prom::start(PromOptions {
        scrape: Some(target),
        ..PromOptions::default()
    })
    .await;
    let s = TestServer::start(backend).await;
    configure_live(&s, &prom).await;

    // The first verdict that finds data.
    let first = eventually("a pull with points", Duration::from_secs(60), || async {
        let v = verdict(&s, "live.v2").await;
        (v["pull"]["points"].as_u64().unwrap_or(0) >= 4).then_some(v)
    })
    .await;
    let stored_first = stored_count(&stored(&s, "live.v2").await);
    let first_to = pull_ends(&first, "to");
    let until: DateTime<Utc> = first_to[0].as_ref().unwrap().parse().unwrap();

    // Prometheus has scraped past two more steps.
    eventually("newer samples", Duration::from_secs(60), || async {
        let last = prom
            .instant(r#"max(timestamp(http_requests_total{service="live"}))"#)
            .await?;
        (last >= (until + TimeDelta::seconds(5)).timestamp() as f64).then_some(())
    })
    .await;
    let second = verdict(&s, "live.v2").await;
    assert_eq!(second["pull"]["status"], "pulled", "{second}");
    // Each series is read from where the first verdict left it.
    assert_eq!(pull_ends(&second, "from"), first_to, "{second}");
    assert_eq!(pull_ends(&second, "previously_until"), first_to, "{second}");
    let series = stored(&s, "live.v2").await;
    let stored_second = stored_count(&series);
    // The exporter's rates, read back: 2 % errors, p99 under the first bucket (50 ms).
    for (metric, cohort, points) in &series {
        for (ts, value, _) in points {
            let expected = if metric == "error_rate" { 2.0 } else { 49.5 };
            assert!(
                (value - expected).abs() < 1e-6,
                "{metric}/{cohort} at {ts}: {value}"
            );
        }
    }
    assert!(
        stored_second > stored_first,
        "{stored_first} -> {stored_second}"
    );
}

/// A source on `prom`, the `http` preset at a 2 s step for the service `live`, and the
/// deployment `live.v2` (baseline v1) started ten seconds ago.
async fn configure_live(s: &TestServer, prom: &Prom) {
    let (status, body) = s.put("/v1/sources/prom", json!({"url": prom.url})).await;
    assert_eq!(status, 201, "{body}");
    // A 2 s step over a 1 s scrape: points come fast enough for a test.
    let (status, body) = s
        .put(
            "/v1/templates/service/live",
            json!({"source": "prom", "preset": "http", "step_seconds": 2}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = s
        .put(
            "/v1/deployments/live.v2",
            json!({"service": "live", "environment": "production", "version": "v2",
                   "started_at": rfc3339(Utc::now() - TimeDelta::seconds(10)),
                   "labels": {"baseline_version": "v1"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

/// Where a verdict's pull read its series up to.
fn pulled_until(v: &Value) -> DateTime<Utc> {
    pull_ends(v, "to")
        .into_iter()
        .flatten()
        .map(|t| t.parse::<DateTime<Utc>>().unwrap())
        .max()
        .or_else(|| {
            pull_ends(v, "previously_until")
                .into_iter()
                .flatten()
                .map(|t| t.parse::<DateTime<Utc>>().unwrap())
                .max()
        })
        .unwrap()
}

async fn prometheus_stopping_mid_rollout_never_passes_on_stale_data(backend: Backend) {
    let target = exporter().await;
    let mut prom = Prom::start(PromOptions {
        scrape: Some(target),
        ..PromOptions::default()
    })
    .await;
    // Judged from stored points while they are recent (the default bound, 5 minutes)…
    let recent = TestServer::start(backend).await;
    // …and with a bound of zero, every failed pull is stale.
    let strict = TestServer::start_with(backend, |state| {
        state.service = state.service.clone().with_source_settings(SourceSettings {
            max_staleness: Duration::ZERO,
            secrets_dir: None,
        });
    })
    .await;
    let mut last = Vec::new();
    for s in [&recent, &strict] {
        configure_live(s, &prom).await;
        // A healthy canary passes once there are enough points.
        let v = eventually("a pass", Duration::from_secs(60), || async {
            let v = verdict(s, "live.v2").await;
            (v["verdict"] == "pass").then_some(v)
        })
        .await;
        assert_eq!(v["pull"]["status"], "pulled", "{v}");
        last.push(pulled_until(&v));
    }
    let points_before = stored_count(&stored(&recent, "live.v2").await);

    prom.stop();
    // The next step is due: a verdict now reads Prometheus, which is gone.
    let due = last.iter().max().copied().unwrap() + TimeDelta::seconds(2);
    eventually("the next step", Duration::from_secs(10), || async {
        (Utc::now() >= due).then_some(())
    })
    .await;

    let after = verdict(&recent, "live.v2").await;
    assert_eq!(after["pull"]["status"], "stored", "{after}");
    assert_eq!(after["verdict"], "pass", "{after}");
    let error = after["pull"]["error"].as_str().unwrap();
    assert!(
        error.contains("source 'prom'") && error.contains("unreachable"),
        "{error}"
    );
    assert_eq!(
        stored_count(&stored(&recent, "live.v2").await),
        points_before
    );

    let stale = verdict(&strict, "live.v2").await;
    assert_eq!(stale["pull"]["status"], "stale", "{stale}");
    assert_eq!(stale["verdict"], "inconclusive", "{stale}");
    assert!(
        stale["pull"]["error"]
            .as_str()
            .unwrap()
            .contains("source 'prom'"),
        "{stale}"
    );

    // The hooks answer as for any inconclusive verdict: Argo pauses, Flagger's gate stays shut
    // with a 412, and nothing is a 5xx.
    let (status, body) = strict.get("/v1/deployments/live.v2/verdict").await;
    assert_eq!(
        (status, body["verdict"].as_str()),
        (200, Some("inconclusive")),
        "{body}"
    );
    let (status, body) = strict
        .post(
            "/v1/hooks/flagger/gate",
            json!({"name": "live", "namespace": "prod",
                   "metadata": {"deployment": "live.v2"}}),
        )
        .await;
    assert_eq!(status, 412, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("metrics source failed") && message.contains("source 'prom'"),
        "{message}"
    );
    // Even a policy that lets inconclusive verdicts through the gate keeps it shut on stale
    // data.
    let (status, body) = strict
        .put(
            "/v1/policies/lenient",
            json!({"gate": {"pass_inconclusive": true}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = strict
        .post(
            "/v1/hooks/flagger/gate",
            json!({"name": "live", "namespace": "prod",
                   "metadata": {"deployment": "live.v2", "policy": "lenient"}}),
        )
        .await;
    assert_eq!(status, 412, "{body}");
}

async fn a_template_prometheus_rejects_is_a_400_and_nothing_is_stored(backend: Backend) {
    let prom = Prom::start(PromOptions::default()).await;
    let s = TestServer::start(backend).await;
    let (status, body) = s.put("/v1/sources/prom", json!({"url": prom.url})).await;
    assert_eq!(status, 201, "{body}");
    let path = "/v1/templates/service/checkout";
    let bad = json!({"source": "prom", "metrics": {"error_rate": {"canary": {
        "query": r#"sum(rate(http_requests_total{service="{{service}}"}[{{step}}])"#}}}});
    let resp = s.put(path, bad).await;
    assert_error(&resp, 400, "template_rejected", "parse error");
    assert_eq!(
        resp.1["error"]["details"]["field"],
        "metrics.error_rate.canary.query"
    );
    assert!(
        resp.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Prometheus (source 'prom') rejected it (bad_data)"),
        "{}",
        resp.1
    );

    // Placeholders are checked before Prometheus is asked.
    let unknown = json!({"source": "prom", "metrics": {"error_rate": {"canary": {
        "query": r#"x{service="{{servce}}"}"#}}}});
    assert_error(
        &s.put(path, unknown).await,
        400,
        "invalid_template",
        "unknown placeholder {{servce}}",
    );
    let unquoted = json!({"source": "prom", "metrics": {"latency_p99": {"baseline": {
        "query": "x{{service}}"}}}});
    assert_error(
        &s.put(path, unquoted).await,
        400,
        "invalid_template",
        "string literal",
    );
    let no_source = json!({"source": "nope", "preset": "http"});
    assert_error(
        &s.put(path, no_source).await,
        400,
        "invalid_body",
        "no source 'nope'",
    );

    assert_error(&s.get(path).await, 404, "not_found", "no template set");
    let (_, list) = s.get("/v1/templates").await;
    assert_eq!(list["templates"], json!([]));

    // The same template, fixed, is stored; the source it uses cannot be deleted.
    let good = json!({"source": "prom", "metrics": {"error_rate": {"canary": {
        "query": r#"sum(rate(http_requests_total{service="{{service}}"}[{{step}}]))"#}}}});
    let (status, body) = s.put(path, good).await;
    assert_eq!(status, 201, "{body}");
    assert_error(
        &s.call("DELETE", "/v1/sources/prom", None).await,
        409,
        "conflict",
        "service/checkout",
    );
}

async fn basic_auth_to_prometheus_reads_the_secret_from_a_file(backend: Backend) {
    let b = backfilled(true).await;
    let secrets = b.prom.dir.path().join("secrets");
    std::fs::create_dir(&secrets).unwrap();
    let secret = secrets.join("password");
    std::fs::write(&secret, format!("{PROM_PASSWORD}\n")).unwrap();
    let dir = secrets.clone();
    let s = TestServer::start_with(backend, |state| {
        state.service = state.service.clone().with_source_settings(SourceSettings {
            secrets_dir: Some(dir),
            ..SourceSettings::default()
        });
    })
    .await;
    let auth = json!({"type": "basic", "username": PROM_USER,
                      "secret_file": secret.display().to_string()});
    configure(&s, &b.prom.url, Some(auth.clone())).await;
    // The source shows where the secret is, never the secret.
    let (status, body) = s.get("/v1/sources/prom").await;
    assert_eq!(status, 200);
    assert_eq!(body["auth"], auth);
    assert!(!body.to_string().contains(PROM_PASSWORD), "{body}");

    put_deployment(&s, "checkout.v2", "checkout", "v2", b.started).await;
    let v = verdict(&s, "checkout.v2").await;
    assert_eq!(v["pull"]["status"], "pulled", "{v}");
    assert_eq!(v["verdict"], "pass", "{v}");

    // A wrong password: validating a template says so, and a verdict that has nothing recent
    // stored is inconclusive, naming the source.
    let wrong = secrets.join("wrong");
    std::fs::write(&wrong, "not-the-password").unwrap();
    let bad_auth = json!({"type": "basic", "username": PROM_USER,
                          "secret_file": wrong.display().to_string()});
    let (status, body) = s
        .put(
            "/v1/sources/prom-wrong",
            json!({"url": b.prom.url, "auth": bad_auth}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let resp = s
        .put(
            "/v1/templates/service/payments",
            json!({"source": "prom-wrong", "preset": "http"}),
        )
        .await;
    assert_error(
        &resp,
        424,
        "source_unavailable",
        "authentication failed (HTTP 401)",
    );
    assert!(!resp.1.to_string().contains("not-the-password"));

    std::fs::write(&secret, "rotated-wrongly").unwrap();
    put_deployment(&s, "payments.v3", "payments", "v3", b.started).await;
    let v = verdict(&s, "payments.v3").await;
    assert_eq!(v["verdict"], "inconclusive", "{v}");
    assert_eq!(v["pull"]["status"], "stale", "{v}");
    let error = v["pull"]["error"].as_str().unwrap();
    assert!(
        error.contains("source 'prom'") && error.contains("authentication failed"),
        "{error}"
    );

    // A secret that cannot be read is refused when the source is saved, and so is one outside
    // the secrets directory or in a variable outside ROLLGUARD_SECRET_* (a source's secret goes
    // to the URL an admin typed: never the database's or the API's).
    let file_auth = |path: &std::path::Path| {
        json!({"url": b.prom.url, "auth": {"type": "bearer",
               "secret_file": path.display().to_string()}})
    };
    let path = "/v1/sources/prom-other";
    let resp = s.put(path, file_auth(&secrets.join("nope"))).await;
    assert_error(&resp, 400, "invalid_body", "cannot read");
    let outside = b.prom.dir.path().join("web.yml");
    let resp = s.put(path, file_auth(&outside)).await;
    assert_error(&resp, 400, "invalid_body", "outside --source-secrets-dir");
    let env = json!({"url": b.prom.url, "auth": {"type": "bearer", "secret_env": "DATABASE_URL"}});
    assert_error(
        &s.put(path, env).await,
        400,
        "invalid_body",
        "ROLLGUARD_SECRET_",
    );
    assert_error(&s.get(path).await, 404, "not_found", "no source");
}

/// The backfilled deployments as replay inputs: the healthy one promoted, the broken one rolled
/// back with its onset (the first step of 10 % errors: a minute after the onset, 1-based).
fn history_deployments(b: &Backfill, environment: &str) -> Vec<Value> {
    let onset_step = (b.onset - b.started).num_minutes() + 2;
    vec![
        json!({"key": "checkout.v2", "service": "checkout", "environment": environment,
               "version": "v2", "baseline_version": "v1", "since": rfc3339(b.started),
               "until": rfc3339(b.end), "outcome": "promoted"}),
        json!({"key": "payments.v3", "service": "payments", "environment": environment,
               "version": "v3", "baseline_version": "v1", "since": rfc3339(b.started),
               "until": rfc3339(b.end), "outcome": "rolled_back", "onset_step": onset_step}),
    ]
}

async fn replays_read_past_deployments_from_prometheus(backend: Backend) {
    let b = backfilled(false).await;
    let s = TestServer::start(backend).await;
    configure(&s, &b.prom.url, None).await;
    let body = json!({"policies": ["compare"],
                      "from_prometheus": {"deployments": history_deployments(&b, "production")}});
    let (status, started) = s.post("/v1/replays", body).await;
    assert_eq!(status, 202, "{started}");
    let path = format!("/v1/replays/{}", started["id"]);
    let done = eventually("the replay", Duration::from_secs(60), || async {
        let (_, r) = s.get(&path).await;
        (r["status"] != "running").then_some(r)
    })
    .await;
    assert_eq!(done["status"], "done", "{done}");
    let r = &done["result"];
    assert_eq!(
        r["summary"]["compare"]["confusion"],
        json!({"tp": 1, "fp": 0, "tn": 1, "fn": 0}),
        "{r}"
    );
    let broken = &r["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == "payments.v3")
        .unwrap()["results"]["compare"];
    let step = broken["first_rollback_step"].as_i64().unwrap();
    let onset = (b.onset - b.started).num_minutes() + 2;
    assert!(
        step >= onset,
        "rolled back at step {step}, before the onset {onset}"
    );
    // Nothing was stored: the deployments exist only in Prometheus.
    assert_error(
        &s.get("/v1/deployments/payments.v3").await,
        404,
        "not_found",
        "payments.v3",
    );

    // A deployment no template set applies to is a 400 naming it; nothing starts.
    let body = json!({"from_prometheus": {"deployments": history_deployments(&b, "staging")}});
    assert_error(
        &s.post("/v1/replays", body).await,
        400,
        "invalid_body",
        "deployments[0]: no template set applies",
    );
    let (_, list) = s.get("/v1/replays").await;
    assert_eq!(list["replays"].as_array().unwrap().len(), 1);
}

/// `rollguard replay --from-prometheus` as a process, reading the sources and templates of the
/// store it is given.
async fn the_cli_replays_from_prometheus(backend: Backend) {
    use rollguard::model::source::{MetricQuery, Source, TemplateScope, TemplateSet};
    let b = backfilled(false).await;
    let (store, db) = crate::support::test_store(backend).await;
    store
        .put_source(&Source {
            name: "prom".into(),
            url: b.prom.url.clone(),
            auth: None,
            timeout_ms: 2000,
            updated_at: None,
        })
        .await
        .unwrap();
    // The `http` preset for `production`, written to the store directly.
    let mut metrics = std::collections::BTreeMap::<String, std::collections::BTreeMap<_, _>>::new();
    for (metric, cohort, query, count) in rollguard::prometheus::template::HTTP_PRESET {
        metrics.entry(metric.to_string()).or_default().insert(
            rollguard::model::Cohort::parse(cohort).unwrap(),
            MetricQuery {
                query: query.to_string(),
                count_query: Some(count.to_string()),
            },
        );
    }
    let set = TemplateSet {
        scope: TemplateScope::Environment,
        target: "production".into(),
        source: "prom".into(),
        step_seconds: 60,
        metrics,
        updated_at: None,
    };
    store.put_template_set(&set).await.unwrap();

    let file = b.prom.dir.path().join("deployments.ndjson");
    let lines: Vec<String> = history_deployments(&b, "production")
        .iter()
        .map(Value::to_string)
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rollguard"))
        .args(["replay", "--from-prometheus"])
        .arg(&file)
        .args(["--policy", "compare", "--json"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["summary"]["compare"]["confusion"],
        json!({"tp": 1, "fp": 0, "tn": 1, "fn": 0}),
        "{report}"
    );
}

on_both_backends!(
    replays_read_past_deployments_from_prometheus,
    the_cli_replays_from_prometheus,
    pulled_verdicts_match_pushed_points,
    a_verdict_that_finds_the_series_up_to_date_reads_nothing,
    a_second_verdict_reads_only_the_new_range,
    prometheus_stopping_mid_rollout_never_passes_on_stale_data,
    a_template_prometheus_rejects_is_a_400_and_nothing_is_stored,
    basic_auth_to_prometheus_reads_the_secret_from_a_file,
);
