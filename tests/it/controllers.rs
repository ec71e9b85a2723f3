//! The documented controller setups, end to end. The YAML blocks of
//! `docs/integrations/argo-rollouts.md` and `flagger.md` are read from the docs
//! ([`manifests`]), and each controller's decision loop ([`argo`], [`flagger`]) plays them
//! against a live `rollguard serve` process on both stores, over simulated minutes, while a
//! pusher ([`traffic`]) sends one point a minute per cohort with counts. Nothing sleeps: a
//! simulated clock advances and every request is real HTTP.
//!
//! For each controller: a healthy release is promoted; a broken one (error rate +5 points, or p99
//! +50 %) is aborted or rolled back within the minutes the docs state; a release whose canary
//! metrics never arrive is never promoted; a service without conversion is promoted. And for
//! Flagger, each revision is judged on its own points only.
//!
//! With Prometheus as the source (`docs/integrations/prometheus.md`, section 4), nothing is
//! pushed: the Argo loop plays that page's Rollout and AnalysisTemplate, whose verdict request
//! registers the deployment, against a real Prometheus scraping an exporter ([`live`]), in
//! real time scaled 60 to 1: a healthy release is promoted, a canary whose error rate jumps from
//! 1 % to 10 % is aborted, one whose pods are not scraped pauses the Rollout.

mod argo;
mod clock;
mod flagger;
mod live;
mod manifests;
mod traffic;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::process::Server;
use crate::prometheus::{Prom, PromOptions};
use crate::support::{Backend, TestDb, on_both_backends, root, test_db};
use clock::Clock;
use manifests::{AnalysisTemplate, Canary, PodMonitor, Rollout, WebFragment};
use traffic::{Pusher, Service};

/// The Argo token's secret (the `evaluate` scope), the pusher's (`ingest`) and the test's own,
/// to read the audit trail (`read`).
const ARGO_SECRET: &str = "argo-shop-0123456789abcdef";
const PUSHER_SECRET: &str = "pusher-0123456789abcdef";
const READ_SECRET: &str = "reader-0123456789abcdef";

/// The minutes within which the docs say a broken canary is stopped, counted from the start of
/// the rollout; each is checked against the docs' text too.
const ARGO_ABORT_MINUTES: u64 = 8;
const ARGO_ABORT_SLOWER_MINUTES: u64 = 25;
const FLAGGER_ROLLBACK_MINUTES: u64 = 5;
const FLAGGER_ROLLBACK_SLOWER_MINUTES: u64 = 25;

/// `rollguard serve` with tokens for Argo and the pusher, and the Flagger hooks open (Flagger
/// cannot send a header), as the docs set it up.
async fn serve(backend: Backend) -> (Server, TestDb) {
    let db = test_db(backend).await;
    let tokens = format!(
        "argo-shop:evaluate:{ARGO_SECRET};pusher:ingest:{PUSHER_SECRET};test:read:{READ_SECRET}"
    );
    let server = Server::start_with_env(
        &db.url,
        &[
            ("ROLLGUARD_TOKENS", &tokens),
            ("ROLLGUARD_OPEN_FLAGGER_HOOKS", "true"),
        ],
    );
    (server, db)
}

fn doc_text(doc: &str) -> String {
    std::fs::read_to_string(root().join("docs/integrations").join(doc)).unwrap()
}

#[test]
fn the_docs_hold_the_blocks_the_harness_plays() {
    let argo = manifests::by_kind("argo-rollouts.md");
    let kinds: Vec<Option<&str>> = argo.keys().map(Option::as_deref).collect();
    assert_eq!(kinds, [None, Some("AnalysisTemplate"), Some("Rollout")]);
    let fragment: WebFragment = serde_yaml_ng::from_str(&argo[&None][0]).unwrap();
    assert_eq!(
        fragment.web.method, None,
        "the read-only variant uses the default GET"
    );
    let template: AnalysisTemplate = manifests::one("argo-rollouts.md", "AnalysisTemplate");
    assert_eq!(template.api_version, "argoproj.io/v1alpha1");
    let rollout: Rollout = manifests::one("argo-rollouts.md", "Rollout");
    assert_eq!(
        (rollout.api_version.as_str(), rollout.kind.as_str()),
        ("argoproj.io/v1alpha1", "Rollout")
    );
    let flagger = manifests::by_kind("flagger.md");
    let kinds: Vec<Option<&str>> = flagger.keys().map(Option::as_deref).collect();
    assert_eq!(kinds, [Some("Canary"), Some("NetworkPolicy")]);
    let canary: Canary = manifests::one("flagger.md", "Canary");
    assert_eq!(canary.api_version, "flagger.app/v1beta1");
    // The minutes the tests hold the controllers to are the ones the docs state.
    let argo_text = doc_text("argo-rollouts.md");
    for m in [ARGO_ABORT_MINUTES, ARGO_ABORT_SLOWER_MINUTES] {
        assert!(argo_text.contains(&format!("within {m} minutes")), "{m}");
    }
    let flagger_text = doc_text("flagger.md");
    for m in [FLAGGER_ROLLBACK_MINUTES, FLAGGER_ROLLBACK_SLOWER_MINUTES] {
        assert!(flagger_text.contains(&format!("within {m} minutes")), "{m}");
    }
}

/// Every policy the integration docs tell a controller to use is built in or created by a
/// command on the same page, and the command works.
#[tokio::test]
async fn the_docs_name_only_policies_that_exist_or_that_they_create() {
    for doc in ["argo-rollouts.md", "flagger.md"] {
        let text = doc_text(doc);
        let s = crate::support::TestServer::start(Backend::Sqlite).await;
        // `curl -X PUT …/v1/policies/NAME … -d 'JSON'`
        for (at, _) in text.match_indices("/v1/policies/") {
            let rest = &text[at + "/v1/policies/".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            let body = rest
                .split_once("-d '")
                .unwrap()
                .1
                .split_once('\'')
                .unwrap()
                .0;
            let body: Value = serde_json::from_str(body).unwrap();
            let (status, answer) = s.put(&format!("/v1/policies/{name}"), body).await;
            assert!(status == 200 || status == 201, "{doc}: {name}: {answer}");
        }
        // `"policy": "NAME"` in a jsonBody, `policy: NAME` in webhook metadata.
        let mut named = Vec::new();
        for pattern in ["\"policy\": \"", "`policy: "] {
            for (at, _) in text.match_indices(pattern) {
                let rest = &text[at + pattern.len()..];
                named.push(
                    rest.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect::<String>(),
                );
            }
        }
        assert!(
            !named.is_empty(),
            "{doc} names no policy: the test reads nothing"
        );
        for name in named {
            let (status, answer) = s.get(&format!("/v1/policies/{name}")).await;
            assert_eq!(status, 200, "{doc} names policy {name}: {answer}");
        }
    }
}

// ---- Argo Rollouts ----

struct ArgoRun {
    outcome: argo::Outcome,
    server: Server,
    key: String,
    _db: TestDb,
}

/// Plays the documented Rollout and AnalysisTemplate for a service, with the token Secret as
/// given (`token` is what the Secret holds).
async fn argo_release(backend: Backend, service: Service, seed: u64, token: &str) -> ArgoRun {
    let template: AnalysisTemplate = manifests::one("argo-rollouts.md", "AnalysisTemplate");
    let rollout: Rollout = manifests::one("argo-rollouts.md", "Rollout");
    let (server, db) = serve(backend).await;
    let hash = format!("6d4f8b9c{seed}");
    let key = format!(
        "{}.{}.{hash}",
        rollout.metadata.namespace.as_deref().unwrap(),
        rollout.metadata.name
    );
    let cluster = argo::Cluster {
        base: server.base.clone(),
        secrets: BTreeMap::from([(("rollguard".into(), "token".into()), token.to_string())]),
        canary_hash: hash,
        stable_hash: "5f7c9d8b41".into(),
    };
    let mut clock = Clock::new();
    let mut pusher = Pusher::new(&server.base, &key, Some(PUSHER_SECRET), seed, service);
    let outcome = argo::play(&rollout, &template, &cluster, &mut clock, &mut pusher).await;
    ArgoRun {
        outcome,
        server,
        key,
        _db: db,
    }
}

/// The deployment's recorded verdicts, newest first.
async fn history(server: &Server, key: &str) -> Vec<Value> {
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/v1/deployments/{key}/verdicts?limit=500",
            server.base
        ))
        .bearer_auth(READ_SECRET)
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    body["verdicts"].as_array().cloned().unwrap_or_default()
}

async fn argo_promotes_a_healthy_release(backend: Backend) {
    let run = argo_release(backend, Service::healthy(), 1, ARGO_SECRET).await;
    let o = &run.outcome;
    assert_eq!(o.end, argo::End::Promoted, "{o:?}");
    assert!(
        o.measurements
            .iter()
            .all(|(_, p)| *p == argo::Phase::Successful),
        "every measurement passes: {o:?}"
    );
    // The read-only GET variant the docs give answers the same.
    let argo_doc = manifests::by_kind("argo-rollouts.md");
    let fragment: WebFragment = serde_yaml_ng::from_str(&argo_doc[&None][0]).unwrap();
    let template: AnalysisTemplate = manifests::one("argo-rollouts.md", "AnalysisTemplate");
    let mut metric = template.spec.metrics[0].clone();
    metric.provider.web.url = fragment.web.url.clone();
    metric.provider.web.method = None;
    metric.provider.web.json_body = None;
    metric.provider.web.json_path = fragment.web.json_path.clone();
    let (ns, rest) = run.key.split_once('.').unwrap();
    let (rollout, hash) = rest.split_once('.').unwrap();
    let args = BTreeMap::from([
        ("namespace".to_string(), ns.to_string()),
        ("rollout".to_string(), rollout.to_string()),
        ("canary-hash".to_string(), hash.to_string()),
        ("rollguard-token".to_string(), ARGO_SECRET.to_string()),
    ]);
    let cluster = argo::Cluster {
        base: run.server.base.clone(),
        secrets: BTreeMap::new(),
        canary_hash: hash.to_string(),
        stable_hash: "5f7c9d8b41".into(),
    };
    assert_eq!(
        argo::measure(&metric.provider.web, &metric, &args, &cluster).await,
        argo::Phase::Successful
    );
    // And so does PUT, which Argo allows.
    metric.provider.web = template.spec.metrics[0].provider.web.clone();
    metric.provider.web.method = Some("PUT".into());
    assert_eq!(
        argo::measure(&metric.provider.web, &metric, &args, &cluster).await,
        argo::Phase::Successful
    );
    // Each POST (and PUT) measurement is in the audit trail.
    let recorded = history(&run.server, &run.key).await.len();
    assert_eq!(recorded, o.measurements.len() + 1);
}

async fn argo_aborts_a_canary_with_more_errors(backend: Backend) {
    let run = argo_release(
        backend,
        Service::with(traffic::Canary::MoreErrors),
        2,
        ARGO_SECRET,
    )
    .await;
    let o = &run.outcome;
    assert_eq!(o.end, argo::End::Aborted(argo::Phase::Failed), "{o:?}");
    assert!(o.at <= ARGO_ABORT_MINUTES * 60, "aborted at {} s", o.at);
}

async fn argo_aborts_a_slower_canary(backend: Backend) {
    let run = argo_release(
        backend,
        Service::with(traffic::Canary::Slower),
        3,
        ARGO_SECRET,
    )
    .await;
    let o = &run.outcome;
    assert_eq!(o.end, argo::End::Aborted(argo::Phase::Failed), "{o:?}");
    assert!(
        o.at <= ARGO_ABORT_SLOWER_MINUTES * 60,
        "aborted at {} s",
        o.at
    );
}

async fn argo_never_promotes_without_canary_metrics(backend: Backend) {
    let service = Service {
        canary_reports: false,
        ..Service::healthy()
    };
    let run = argo_release(backend, service, 4, ARGO_SECRET).await;
    let o = &run.outcome;
    assert_eq!(
        o.end,
        argo::End::Paused("analysis Inconclusive".into()),
        "{o:?}"
    );
    assert!(
        o.measurements
            .iter()
            .all(|(_, p)| *p == argo::Phase::Inconclusive),
        "{o:?}"
    );
}

async fn argo_promotes_a_service_without_conversion(backend: Backend) {
    let service = Service {
        conversion: false,
        ..Service::healthy()
    };
    let run = argo_release(backend, service, 5, ARGO_SECRET).await;
    assert_eq!(run.outcome.end, argo::End::Promoted, "{:?}", run.outcome);
    let last = &history(&run.server, &run.key).await[0];
    let conversion = last["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "conversion")
        .unwrap();
    assert_eq!(conversion["status"], "not_applicable", "{last}");
}

async fn argo_aborts_when_the_token_secret_ends_in_a_new_line(backend: Backend) {
    // `kubectl create secret --from-file` of a file written with `echo`: Go will not send the
    // header, every measurement is an Error, retried every 10 s, and the fifth aborts.
    let token = format!("{ARGO_SECRET}\n");
    let run = argo_release(backend, Service::healthy(), 6, &token).await;
    let o = &run.outcome;
    assert_eq!(o.end, argo::End::Aborted(argo::Phase::Error), "{o:?}");
    let times: Vec<u64> = o.measurements.iter().map(|(t, _)| *t).collect();
    assert_eq!(times.len(), 5, "{o:?}");
    assert!(times.windows(2).all(|w| w[1] - w[0] == 10), "{times:?}");
}

// ---- Argo Rollouts with Prometheus as the source, nothing pushed ----

/// The operator's token, to create the source and the template set.
const ADMIN_SECRET: &str = "operator-0123456789abcdef";
/// The simulated minute at which the broken canary's error rate jumps from 1 % to 10 %, and the
/// minutes from the start of the rollout within which prometheus.md says it is aborted.
const PULLED_ONSET_MINUTE: u64 = 10;
const PULLED_ABORT_MINUTES: u64 = 16;
const CANARY_HASH: &str = "7b9c5d6f48";
const STABLE_HASH: &str = "5f7c9d8b41";

/// Section 4 of prometheus.md: the Argo setup with no pusher.
fn pulled_section() -> String {
    let text = doc_text("prometheus.md");
    let from = text.find("## 4. ").unwrap();
    let to = text.find("## Replay from Prometheus").unwrap();
    text[from..to].to_string()
}

/// The template set the section creates: its path and body (the `curl … <<'EOF'` command).
fn documented_template_set() -> (String, Value) {
    let section = pulled_section();
    let at = section.find("/v1/templates/").unwrap();
    let rest = &section[at..];
    let path = rest.split_whitespace().next().unwrap().to_string();
    let body = rest
        .split_once("<<'EOF'\n")
        .unwrap()
        .1
        .split_once("\nEOF")
        .unwrap()
        .0;
    (path, serde_json::from_str(body).unwrap())
}

#[test]
fn prometheus_md_holds_the_blocks_the_harness_plays() {
    let blocks = manifests::by_kind("prometheus.md");
    let kinds: Vec<Option<&str>> = blocks.keys().map(Option::as_deref).collect();
    assert_eq!(
        kinds,
        [
            Some("AnalysisTemplate"),
            Some("PodMonitor"),
            Some("Rollout")
        ]
    );
    let monitor: PodMonitor = manifests::one("prometheus.md", "PodMonitor");
    assert_eq!(monitor.api_version, "monitoring.coreos.com/v1");
    // The label the PodMonitor copies is the one the template set selects by.
    assert_eq!(
        monitor.spec.pod_target_labels,
        ["rollouts-pod-template-hash"]
    );
    let (path, set) = documented_template_set();
    assert_eq!(path, "/v1/templates/environment/production");
    let label = monitor.spec.pod_target_labels[0].replace('-', "_");
    for (metric, cohorts) in set["metrics"].as_object().unwrap() {
        for (cohort, q) in cohorts.as_object().unwrap() {
            let version = if cohort == "canary" {
                "{{version}}"
            } else {
                "{{baseline_version}}"
            };
            for query in [&q["query"], &q["count_query"]] {
                let query = query.as_str().unwrap();
                assert!(
                    query.contains(&format!("{label}=\"{version}\"")),
                    "{metric}/{cohort}: {query}"
                );
            }
        }
    }
    let text = pulled_section();
    assert!(text.contains(&format!("{PULLED_ONSET_MINUTE} minutes into the rollout")));
    assert!(text.contains(&format!("within {PULLED_ABORT_MINUTES} minutes")));
}

struct PulledRun {
    outcome: argo::Outcome,
    server: Server,
    key: String,
    _prom: Prom,
    _db: TestDb,
}

async fn send(
    server: &Server,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", server.base))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Plays prometheus.md's Rollout and AnalysisTemplate, as the operator set it up there (the
/// source and the template set, at a 1 s step for time that runs 60 times faster), against a
/// Prometheus that scrapes the service's pods (the canary's unless `canary_scraped` is false);
/// the canary's error rate jumps at `onset_minute`. No point is pushed: the server has no token
/// for a pusher.
async fn argo_pulled_release(
    backend: Backend,
    onset_minute: Option<u64>,
    canary_scraped: bool,
) -> PulledRun {
    let template: AnalysisTemplate = manifests::one("prometheus.md", "AnalysisTemplate");
    let rollout: Rollout = manifests::one("prometheus.md", "Rollout");
    let monitor: PodMonitor = manifests::one("prometheus.md", "PodMonitor");
    // Prometheus writes a label name's `-` as `_`.
    let label = monitor.spec.pod_target_labels[0].replace('-', "_");
    let namespace = rollout.metadata.namespace.clone().unwrap();
    let mut world = live::Live::start(live::Pods {
        namespace: &namespace,
        label: &label,
        canary_hash: CANARY_HASH,
        stable_hash: STABLE_HASH,
        onset_minute,
        canary_scraped,
    })
    .await;
    let prom = Prom::start(PromOptions {
        scrape: Some(world.target.clone()),
        scrape_interval: Some("250ms"),
        ..PromOptions::default()
    })
    .await;
    world.watch(&prom.url);
    let db = test_db(backend).await;
    let tokens = format!(
        "argo-shop:evaluate,ingest:{ARGO_SECRET};operator:admin:{ADMIN_SECRET};test:read:{READ_SECRET}"
    );
    let server = Server::start_with_env(&db.url, &[("ROLLGUARD_TOKENS", &tokens)]);

    let (path, mut set) = documented_template_set();
    assert_eq!(set["step_seconds"], 60, "{set}");
    set["step_seconds"] = json!(60 / live::SCALE);
    let source = set["source"].as_str().unwrap().to_string();
    for (path, body) in [
        (
            format!("/v1/sources/{source}"),
            json!({"url": prom.url, "timeout_ms": 2000}),
        ),
        (path, set),
    ] {
        let (status, answer) = send(&server, "PUT", &path, ADMIN_SECRET, Some(body)).await;
        assert_eq!(status, 201, "{path}: {answer}");
    }

    let key = format!("{namespace}.{}.{CANARY_HASH}", rollout.metadata.name);
    let cluster = argo::Cluster {
        base: server.base.clone(),
        secrets: BTreeMap::from([(("rollguard".into(), "token".into()), ARGO_SECRET.into())]),
        canary_hash: CANARY_HASH.into(),
        stable_hash: STABLE_HASH.into(),
    };
    let mut clock = Clock::new();
    world.begin(&clock);
    let outcome = argo::play(&rollout, &template, &cluster, &mut clock, &mut world).await;
    PulledRun {
        outcome,
        server,
        key,
        _prom: prom,
        _db: db,
    }
}

/// The deployment as stored, read with the test's token.
async fn stored_deployment(server: &Server, key: &str) -> Value {
    let (status, d) = send(
        server,
        "GET",
        &format!("/v1/deployments/{key}"),
        READ_SECRET,
        None,
    )
    .await;
    assert_eq!(status, 200, "{d}");
    d
}

async fn argo_with_prometheus_promotes_a_healthy_release(backend: Backend) {
    let run = argo_pulled_release(backend, None, true).await;
    let o = &run.outcome;
    println!(
        "{backend:?}: {:?} at minute {}: {:?}",
        o.end,
        o.at / 60,
        o.measurements
    );
    assert_eq!(o.end, argo::End::Promoted, "{o:?}");
    assert!(
        o.measurements
            .iter()
            .all(|(_, p)| *p != argo::Phase::Failed),
        "{o:?}"
    );
    // The first measurement registers the deployment and reads one step from then: too little
    // for `compare` (as the docs say), so inconclusive.
    assert_eq!(o.measurements[0].1, argo::Phase::Inconclusive, "{o:?}");
    // The first measurement registered the deployment from the template's args; the 29 that
    // sent the same body wrote nothing.
    let d = stored_deployment(&run.server, &run.key).await;
    assert_eq!(d["service"], "recommendationservice", "{d}");
    assert_eq!(d["environment"], "production", "{d}");
    assert_eq!(d["version"], CANARY_HASH, "{d}");
    assert_eq!(
        d["labels"],
        json!({"namespace": "shop", "baseline_version": STABLE_HASH}),
        "{d}"
    );
    assert_eq!(d["updated_at"], d["created_at"], "{d}");
    // Every measurement is recorded, and each pulled from Prometheus before judging.
    let verdicts = history(&run.server, &run.key).await;
    assert_eq!(verdicts.len(), o.measurements.len());
    for v in &verdicts {
        assert_eq!(v["pull"]["status"], "pulled", "{v}");
    }
    let last = &verdicts[0];
    assert_eq!(last["verdict"], "pass", "{last}");
    for rule in ["error_rate", "latency"] {
        let r = last["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == rule)
            .unwrap();
        assert_eq!(r["status"], "passed", "{last}");
    }
}

async fn argo_with_prometheus_aborts_a_canary_whose_errors_jump(backend: Backend) {
    let run = argo_pulled_release(backend, Some(PULLED_ONSET_MINUTE), true).await;
    let o = &run.outcome;
    println!(
        "{backend:?}: {:?} at minute {}: {:?}",
        o.end,
        o.at / 60,
        o.measurements
    );
    assert_eq!(o.end, argo::End::Aborted(argo::Phase::Failed), "{o:?}");
    assert!(
        o.at > PULLED_ONSET_MINUTE * 60,
        "aborted before the jump: {o:?}"
    );
    assert!(
        o.at <= PULLED_ABORT_MINUTES * 60,
        "aborted at {} s: {o:?}",
        o.at
    );
    // It passed while it was healthy: the pulls read the new minutes as they came.
    assert!(
        o.measurements
            .iter()
            .any(|(t, p)| *t <= PULLED_ONSET_MINUTE * 60 && *p == argo::Phase::Successful),
        "{o:?}"
    );
    let verdicts = history(&run.server, &run.key).await;
    let last = &verdicts[0];
    assert_eq!(last["verdict"], "rollback", "{last}");
    assert_eq!(last["pull"]["status"], "pulled", "{last}");
    let error_rate = last["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "error_rate")
        .unwrap();
    assert_eq!(error_rate["status"], "triggered", "{last}");
    let d = stored_deployment(&run.server, &run.key).await;
    assert_eq!(d["updated_at"], d["created_at"], "{d}");
}

/// A PodMonitor that misses the canary's pods: the baseline's series arrive, the canary's never
/// do, and the Rollout pauses at the 4th `inconclusive`, as prometheus.md says.
async fn argo_with_prometheus_never_promotes_an_unscraped_canary(backend: Backend) {
    let run = argo_pulled_release(backend, None, false).await;
    let o = &run.outcome;
    assert_eq!(
        o.end,
        argo::End::Paused("analysis Inconclusive".into()),
        "{o:?}"
    );
    assert_eq!(o.measurements.len(), 4, "{o:?}");
    assert!(
        o.measurements
            .iter()
            .all(|(_, p)| *p == argo::Phase::Inconclusive),
        "{o:?}"
    );
    let verdicts = history(&run.server, &run.key).await;
    assert_eq!(verdicts[0]["pull"]["status"], "pulled", "{}", verdicts[0]);
}

on_both_backends!(
    argo_promotes_a_healthy_release,
    argo_aborts_a_canary_with_more_errors,
    argo_aborts_a_slower_canary,
    argo_never_promotes_without_canary_metrics,
    argo_promotes_a_service_without_conversion,
    argo_aborts_when_the_token_secret_ends_in_a_new_line,
    argo_with_prometheus_promotes_a_healthy_release,
    argo_with_prometheus_aborts_a_canary_whose_errors_jump,
    argo_with_prometheus_never_promotes_an_unscraped_canary,
    flagger_promotes_a_healthy_release,
    flagger_rolls_back_a_canary_with_more_errors,
    flagger_rolls_back_a_slower_canary,
    flagger_never_promotes_without_canary_metrics,
    flagger_promotes_a_service_without_conversion,
    flagger_judges_each_revision_on_its_own_points,
);

// ---- Flagger ----

/// Loops the harness plays at most per revision: well past any documented outcome.
const FLAGGER_MAX_LOOPS: u64 = 90;

struct FlaggerRig {
    canary: Canary,
    server: Server,
    key: String,
    clock: Clock,
    pusher: Pusher,
    _db: TestDb,
}

async fn flagger_rig(backend: Backend, service: Service, seed: u64) -> FlaggerRig {
    let canary: Canary = manifests::one("flagger.md", "Canary");
    let (server, db) = serve(backend).await;
    let key = flagger::key(&canary, &canary.spec.analysis.webhooks[0]);
    for hook in &canary.spec.analysis.webhooks {
        assert_eq!(
            flagger::key(&canary, hook),
            key,
            "every hook judges one key"
        );
    }
    let pusher = Pusher::new(&server.base, &key, Some(PUSHER_SECRET), seed, service);
    FlaggerRig {
        canary,
        server,
        key,
        clock: Clock::new(),
        pusher,
        _db: db,
    }
}

impl FlaggerRig {
    async fn release(&mut self, checksum: &str) -> flagger::Outcome {
        let o = flagger::play(
            &self.canary,
            checksum,
            &self.server.base,
            &mut self.clock,
            &mut self.pusher,
            FLAGGER_MAX_LOOPS,
        )
        .await;
        for event in &o.events {
            // Flagger copies a failed call's body into a Warning event: short, one line first.
            assert!(event.len() <= 1024, "{} bytes: {event}", event.len());
        }
        o
    }
}

async fn flagger_promotes_a_healthy_release(backend: Backend) {
    let mut rig = flagger_rig(backend, Service::healthy(), 11).await;
    let o = rig.release("85d557f47b").await;
    assert_eq!(o.end, flagger::End::Succeeded, "{o:?}");
    assert!(
        o.failed_checks < rig.canary.spec.analysis.threshold,
        "{o:?}"
    );
}

async fn flagger_rolls_back_a_canary_with_more_errors(backend: Backend) {
    let mut rig = flagger_rig(backend, Service::with(traffic::Canary::MoreErrors), 12).await;
    let o = rig.release("85d557f47b").await;
    assert_eq!(o.end, flagger::End::RolledBack("rollback webhook"), "{o:?}");
    assert!(
        o.at <= FLAGGER_ROLLBACK_MINUTES * 60,
        "rolled back at {} s",
        o.at
    );
}

async fn flagger_rolls_back_a_slower_canary(backend: Backend) {
    let mut rig = flagger_rig(backend, Service::with(traffic::Canary::Slower), 13).await;
    let o = rig.release("85d557f47b").await;
    assert_eq!(o.end, flagger::End::RolledBack("rollback webhook"), "{o:?}");
    assert!(
        o.at <= FLAGGER_ROLLBACK_SLOWER_MINUTES * 60,
        "rolled back at {} s",
        o.at
    );
}

async fn flagger_never_promotes_without_canary_metrics(backend: Backend) {
    let service = Service {
        canary_reports: false,
        ..Service::healthy()
    };
    let mut rig = flagger_rig(backend, service, 14).await;
    let o = rig.release("85d557f47b").await;
    assert_eq!(
        o.end,
        flagger::End::RolledBack("failed checks threshold"),
        "{o:?}"
    );
    assert!(o.gates.iter().all(|(_, ok)| !ok), "{o:?}");
}

async fn flagger_promotes_a_service_without_conversion(backend: Backend) {
    let service = Service {
        conversion: false,
        ..Service::healthy()
    };
    let mut rig = flagger_rig(backend, service, 15).await;
    let o = rig.release("85d557f47b").await;
    assert_eq!(o.end, flagger::End::Succeeded, "{o:?}");
}

/// One Canary, the default key: revision A is broken and rolled back; B, healthy, is promoted
/// although A's bad points are under the same key; C, broken again, is rolled back although
/// B's good points are there. No revision is judged on another's points.
async fn flagger_judges_each_revision_on_its_own_points(backend: Backend) {
    let mut rig = flagger_rig(backend, Service::with(traffic::Canary::MoreErrors), 16).await;
    let a = rig.release("aaaaaaaa01").await;
    assert_eq!(
        a.end,
        flagger::End::RolledBack("rollback webhook"),
        "A: {a:?}"
    );

    let before_b = history(&rig.server, &rig.key).await.len();
    rig.pusher.service = Service::healthy();
    let b = rig.release("bbbbbbbb02").await;
    assert_eq!(b.end, flagger::End::Succeeded, "B: {b:?}");
    let verdicts = history(&rig.server, &rig.key).await;
    let of_b = &verdicts[..verdicts.len() - before_b];
    assert!(!of_b.is_empty());
    for v in of_b {
        assert_ne!(v["verdict"], "rollback", "B judged on A's points: {v}");
    }

    rig.pusher.service = Service::with(traffic::Canary::MoreErrors);
    let c = rig.release("cccccccc03").await;
    assert_eq!(
        c.end,
        flagger::End::RolledBack("rollback webhook"),
        "C: {c:?}"
    );
    assert!(
        c.gates.iter().all(|(_, ok)| !ok),
        "C never passed a gate on B's points: {c:?}"
    );
}

/// The documented bounds over more seeds than the scenarios use: every broken canary stopped
/// within the documented minutes, every healthy one promoted. Four seeds by default (about half
/// a minute); `ROLLGUARD_CONTROLLER_SEEDS=16 cargo test --test it controllers::seeds --
/// --nocapture` sweeps more when the docs' values change, and prints each release's minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeds() {
    use traffic::Canary::{Healthy, MoreErrors, Slower};
    let seeds: u64 = std::env::var("ROLLGUARD_CONTROLLER_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4);
    for seed in 100..100 + seeds {
        for (kind, argo_bound, flagger_bound) in [
            (MoreErrors, ARGO_ABORT_MINUTES, FLAGGER_ROLLBACK_MINUTES),
            (
                Slower,
                ARGO_ABORT_SLOWER_MINUTES,
                FLAGGER_ROLLBACK_SLOWER_MINUTES,
            ),
            (Healthy, 0, 0),
        ] {
            let a = argo_release(Backend::Sqlite, Service::with(kind), seed, ARGO_SECRET)
                .await
                .outcome;
            let mut rig = flagger_rig(Backend::Sqlite, Service::with(kind), seed).await;
            let f = rig.release("85d557f47b").await;
            println!(
                "seed {seed} {kind:?}: Argo {:?} at {} min, Flagger {:?} at {} min ({} failed checks)",
                a.end,
                a.at / 60,
                f.end,
                f.at / 60,
                f.failed_checks
            );
            if kind == Healthy {
                assert_eq!(
                    (a.end, f.end),
                    (argo::End::Promoted, flagger::End::Succeeded)
                );
            } else {
                assert_eq!(a.end, argo::End::Aborted(argo::Phase::Failed));
                assert_eq!(f.end, flagger::End::RolledBack("rollback webhook"));
                assert!(a.at <= argo_bound * 60 && f.at <= flagger_bound * 60);
            }
        }
    }
}
