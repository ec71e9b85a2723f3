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

mod argo;
mod clock;
mod flagger;
mod manifests;
mod traffic;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::process::Server;
use crate::support::{Backend, TestDb, on_both_backends, root, test_db};
use clock::Clock;
use manifests::{AnalysisTemplate, Canary, Rollout, WebFragment};
use traffic::{Pusher, Service};

/// The Argo token's secret (the `evaluate` scope), the pusher's (`ingest`) and the test's own,
/// to read the audit trail (`read`).
const ARGO_SECRET: &str = "argo-shop-0123456789abcdef";
const PUSHER_SECRET: &str = "pusher-0123456789abcdef";
const READ_SECRET: &str = "reader-0123456789abcdef";

/// The minutes within which the docs say a broken canary is stopped, counted from the start of
/// the rollout; each is checked against the docs' text too.
const ARGO_ABORT_MINUTES: u64 = 8;
const ARGO_ABORT_SLOWER_MINUTES: u64 = 30;
const FLAGGER_ROLLBACK_MINUTES: u64 = 5;
const FLAGGER_ROLLBACK_SLOWER_MINUTES: u64 = 30;

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

on_both_backends!(
    argo_promotes_a_healthy_release,
    argo_aborts_a_canary_with_more_errors,
    argo_aborts_a_slower_canary,
    argo_never_promotes_without_canary_metrics,
    argo_promotes_a_service_without_conversion,
    argo_aborts_when_the_token_secret_ends_in_a_new_line,
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
