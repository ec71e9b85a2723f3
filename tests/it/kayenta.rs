//! Spinnaker Kayenta's remote judge, `POST /v1/kayenta/judge`, over real HTTP: requests in
//! Kayenta's JSON (`RemoteJudgeRequest`: the canary config, `scoreThresholds` and
//! `MetricSetPair`s with `"NaN"` padding), answers read as Kayenta and Spinnaker read them
//! (`score.score` against the thresholds; `controlMetadata.stats.count`). The configuration in
//! docs/integrations/kayenta.md is read from the page itself, so the page and the tests cannot
//! drift.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::support::{Backend, TestServer, assert_error, on_both_backends, root};

const JUDGE: &str = "/v1/kayenta/judge";
/// 2026-12-01T10:00:00Z.
const START: i64 = 1_796_119_200_000;
const MINUTE: i64 = 60_000;

/// The fenced block after `<!-- test: {marker} -->` in docs/integrations/kayenta.md.
fn doc_block(marker: &str) -> String {
    let page = std::fs::read_to_string(root().join("docs/integrations/kayenta.md")).unwrap();
    let tag = format!("<!-- test: {marker} -->");
    let after = &page[page
        .find(&tag)
        .unwrap_or_else(|| panic!("kayenta.md has no {tag}"))
        + tag.len()..];
    let fence = after
        .find("```")
        .expect("a fenced block follows the marker");
    let body = &after[fence..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("\n```").expect("the block ends")].to_string()
}

fn doc_json(marker: &str) -> Value {
    serde_json::from_str(&doc_block(marker))
        .unwrap_or_else(|e| panic!("kayenta.md block {marker} is not JSON: {e}"))
}

/// The scalar leaves of a small YAML mapping (block style, no lists), by dotted path.
fn yaml_leaves(text: &str) -> Vec<(String, String)> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let indent = line.len() - line.trim_start().len();
        let (key, value) = line.trim().split_once(':').expect("key: value");
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let path: Vec<&str> = stack.iter().map(|(_, k)| k.as_str()).chain([key]).collect();
        let value = value.trim();
        if value.is_empty() {
            stack.push((indent, key.to_string()));
        } else {
            out.push((path.join("."), value.to_string()));
        }
    }
    out
}

/// Whether every field of `expected` is in `actual` with the same value (arrays element by
/// element, numbers by value); the path of the first difference otherwise.
fn contains(actual: &Value, expected: &Value, path: &str) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().try_for_each(|(k, v)| {
            let p = format!("{path}.{k}");
            contains(a.get(k).ok_or(format!("{p} is missing"))?, v, &p)
        }),
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => a
            .iter()
            .zip(e)
            .enumerate()
            .try_for_each(|(i, (a, e))| contains(a, e, &format!("{path}[{i}]"))),
        (Value::Number(a), Value::Number(e)) if a.as_f64() == e.as_f64() => Ok(()),
        (a, e) if a == e => Ok(()),
        (a, e) => Err(format!("{path}: {a} where the page says {e}")),
    }
}

/// A metric set pair as Kayenta sends it: both scopes at [`START`], one point a minute.
fn pair(name: &str, control: Vec<Value>, experiment: Vec<Value>) -> Value {
    let scope = json!({"startTimeIso": "2026-12-01T10:00:00Z", "startTimeMillis": START,
                       "stepMillis": MINUTE});
    json!({"name": name, "id": format!("id-{name}"), "tags": {"region": "eu-west-1"},
           "values": {"control": control, "experiment": experiment},
           "scopes": {"control": scope, "experiment": scope},
           "attributes": {"control": {"query": "q"}, "experiment": {"query": "q"}}})
}

/// A request for `pairs` under a canary config whose metrics carry the pairs' names, in the
/// groups given, with the policy `policy` (none: `compare`) and thresholds 95 / 75.
fn request(pairs: Vec<Value>, groups: &[(&str, &str)], policy: Option<Value>) -> Value {
    let metrics: Vec<Value> = groups
        .iter()
        .map(|(name, group)| {
            json!({"name": name, "query": {"type": "prometheus", "metricName": "m"},
                   "groups": [group], "analysisConfigurations": {"canary": {"direction": "increase"}},
                   "scopeName": "default"})
        })
        .collect();
    let mut judge = json!({"name": "RemoteJudge-v1.0", "judgeConfigurations": {}});
    if let Some(p) = policy {
        judge["judgeConfigurations"]["policy"] = p;
    }
    json!({"canaryConfig": {"name": "c", "applications": ["checkout"], "judge": judge,
                            "metrics": metrics, "templates": {},
                            "classifier": {"groupWeights": {}}},
           "scoreThresholds": {"pass": 95.0, "marginal": 75.0},
           "metricSetPairList": pairs})
}

/// `n` values around `mean` (± `spread`, uniform), seeded.
fn noisy(seed: u64, n: usize, mean: f64, spread: f64) -> Vec<Value> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| json!(mean + rng.random_range(-spread..=spread)))
        .collect()
}

/// What Kayenta (standalone `MonitorCanaryTask`) and Spinnaker's canary stage make of a score:
/// at or below `marginal` fails, at or above `pass` passes, anything between keeps going.
fn kayenta_reads(score: f64, pass: f64, marginal: f64) -> &'static str {
    if score <= marginal {
        "fail"
    } else if score >= pass {
        "pass"
    } else {
        "continue"
    }
}

async fn judge(s: &TestServer, body: Value) -> Value {
    let (status, answer) = s.post(JUDGE, body).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

fn healthy_pairs(n: usize) -> Vec<Value> {
    vec![
        pair("error_rate", noisy(1, n, 0.5, 0.2), noisy(2, n, 0.5, 0.2)),
        pair(
            "latency_p99",
            noisy(3, n, 200.0, 15.0),
            noisy(4, n, 200.0, 15.0),
        ),
    ]
}

const GROUPS: [(&str, &str); 2] = [("error_rate", "errors"), ("latency_p99", "latency")];

/// The page's kayenta.yml, canary config, policy and request, end to end: the base URL plus
/// Kayenta's `/judge` is the route, the canary config selects the remote judge and names the
/// policy, and the documented request gets the documented answer.
async fn docs_configuration_is_what_the_server_serves(backend: Backend) {
    let s = TestServer::start(backend).await;
    let yml = yaml_leaves(&doc_block("kayenta-yml"));
    let get = |key: &str| {
        yml.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("kayenta.yml lacks {key}: {yml:?}"))
    };
    assert_eq!(get("kayenta.remoteJudge.enabled"), "true");
    let base = get("kayenta.remoteJudge.endpoint.baseUrl");
    // Kayenta's RetrofitClientFactory drops one trailing '/' of the base URL, and Retrofit 1's
    // RequestBuilder appends the method's relative URL, `@POST("/judge")`, as text.
    let path_of = |base: &str| {
        let base = base.strip_suffix('/').unwrap_or(base);
        let url = format!("{base}/judge");
        let rest = url.strip_prefix("http://").expect("an http:// base URL");
        rest[rest.find('/').unwrap()..].to_string()
    };
    assert_eq!(path_of(&base), JUDGE);
    assert_eq!(path_of(&format!("{base}/")), JUDGE);

    let config = doc_json("canary-config");
    assert_eq!(config["judge"]["name"], "RemoteJudge-v1.0");
    let policy_name = config["judge"]["judgeConfigurations"]["policy"]
        .as_str()
        .unwrap();
    let (status, stored) = s
        .put(&format!("/v1/policies/{policy_name}"), doc_json("policy"))
        .await;
    assert_eq!(status, 201, "{stored}");

    let request = doc_json("request");
    // The documented request is one Kayenta would send for the documented config.
    let names = |v: &Value| -> Vec<(Value, Value)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| (m["name"].clone(), m["groups"].clone()))
            .collect()
    };
    assert_eq!(
        names(&request["canaryConfig"]["metrics"]),
        names(&config["metrics"])
    );
    assert_eq!(request["canaryConfig"]["judge"], config["judge"]);
    let pair_names: Vec<&Value> = request["metricSetPairList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["name"])
        .collect();
    let config_names: Vec<&Value> = config["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["name"])
        .collect();
    assert_eq!(pair_names, config_names);

    let answer = judge(&s, request).await;
    contains(&answer, &doc_json("response"), "$").unwrap();
}

on_both_backends!(docs_configuration_is_what_the_server_serves);

#[tokio::test]
async fn a_healthy_pair_passes_with_score_100() {
    let s = TestServer::start(Backend::Sqlite).await;
    let answer = judge(&s, request(healthy_pairs(30), &GROUPS, None)).await;
    assert_eq!(answer["rollguard"]["verdict"], "pass", "{answer:#}");
    assert_eq!(answer["rollguard"]["policy"], "compare");
    assert_eq!(answer["judgeName"], "rollguard");
    assert_eq!(answer["score"]["score"], 100.0);
    assert_eq!(answer["score"]["classification"], "Pass");
    for (result, metric) in answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["error_rate", "latency_p99"])
    {
        assert_eq!(result["classification"], "Pass", "{result:#}");
        assert_eq!(result["resultMetadata"]["metric"], metric);
        assert_eq!(result["resultMetadata"]["rule"]["points"], 30);
        assert_eq!(
            result["resultMetadata"]["rule"]["method"],
            "values_vs_baseline"
        );
        assert_eq!(result["controlMetadata"]["stats"]["count"], 30);
        assert_eq!(result["experimentMetadata"]["stats"]["count"], 30);
        assert_eq!(result["critical"], false);
        assert_eq!(result["muted"], false);
        assert_eq!(result["tags"], json!({"region": "eu-west-1"}));
        assert!(
            result["id"].as_str().unwrap().starts_with("id-"),
            "{result}"
        );
        assert!(
            result["classificationReason"]
                .as_str()
                .unwrap()
                .contains("no regression detected yet"),
            "{result}"
        );
    }
    assert_eq!(
        answer["groupScores"],
        json!([
            {"name": "errors", "score": 100.0, "classification": "Pass", "classificationReason": "pass"},
            {"name": "latency", "score": 100.0, "classification": "Pass", "classificationReason": "pass"},
        ])
    );
}

#[tokio::test]
async fn a_regression_scores_0_and_names_the_metric() {
    let s = TestServer::start(Backend::Sqlite).await;
    // Error rate +5 points on the canary.
    let mut pairs = healthy_pairs(30);
    pairs[0] = pair("error_rate", noisy(1, 30, 0.5, 0.2), noisy(2, 30, 5.5, 0.2));
    let answer = judge(&s, request(pairs, &GROUPS, None)).await;
    assert_eq!(answer["rollguard"]["verdict"], "rollback", "{answer:#}");
    assert_eq!(answer["score"]["score"], 0.0);
    assert_eq!(answer["score"]["classification"], "Fail");
    let reason = answer["score"]["classificationReason"].as_str().unwrap();
    assert!(
        reason.starts_with("rollback (policy compare): error_rate: "),
        "{reason}"
    );
    let errors = &answer["results"][0];
    assert_eq!(errors["classification"], "High", "{errors:#}");
    assert_eq!(errors["critical"], true);
    assert!(
        errors["classificationReason"]
            .as_str()
            .unwrap()
            .contains("roll back"),
        "{errors}"
    );
    assert_eq!(answer["results"][1]["classification"], "Pass");
    assert_eq!(answer["groupScores"][0]["score"], 0.0);
    assert_eq!(answer["groupScores"][1]["score"], 100.0);

    // p99 +50 %.
    let mut pairs = healthy_pairs(30);
    pairs[1] = pair(
        "latency_p99",
        noisy(3, 30, 200.0, 15.0),
        noisy(4, 30, 300.0, 15.0),
    );
    let answer = judge(&s, request(pairs, &GROUPS, None)).await;
    assert_eq!(answer["rollguard"]["verdict"], "rollback", "{answer:#}");
    assert_eq!(answer["results"][1]["classification"], "High");
    assert_eq!(answer["results"][0]["classification"], "Pass");

    // Conversion −40 %: a drop is Low.
    let pairs = vec![pair(
        "conversion_rate",
        noisy(5, 30, 0.05, 0.005),
        noisy(6, 30, 0.03, 0.005),
    )];
    let answer = judge(&s, request(pairs, &[], None)).await;
    assert_eq!(answer["rollguard"]["verdict"], "rollback", "{answer:#}");
    assert_eq!(answer["results"][0]["classification"], "Low");
}

/// Kayenta pads gaps with NaN (written `"NaN"`); they are missing points, and the others keep
/// their times: canary and baseline pair only where both have a point.
#[tokio::test]
async fn nan_padding_drops_points_but_keeps_times() {
    let s = TestServer::start(Backend::Sqlite).await;
    let mut control = noisy(1, 30, 0.5, 0.2);
    let mut experiment = noisy(2, 30, 0.5, 0.2);
    for v in &mut experiment[..5] {
        *v = json!("NaN");
    }
    control[10] = json!("NaN");
    control[11] = Value::Null;
    let answer = judge(
        &s,
        request(
            vec![pair("error_rate", control.clone(), experiment.clone())],
            &GROUPS,
            None,
        ),
    )
    .await;
    let result = &answer["results"][0];
    assert_eq!(
        result["experimentMetadata"]["stats"]["count"], 25,
        "{result:#}"
    );
    assert_eq!(result["controlMetadata"]["stats"]["count"], 28);
    // 30 minutes, less the canary's first 5 and the baseline's 2 gaps.
    assert_eq!(result["resultMetadata"]["rule"]["points"], 23, "{result:#}");
    assert_eq!(answer["rollguard"]["verdict"], "pass");

    // Misaligned by one minute (the canary's scope starts later), the same values pair
    // differently: times, not positions, decide.
    // A baseline window offset in time (Spinnaker's baseline analysis offset) on the same step:
    // point i still meets point i.
    let mut offset = pair("error_rate", control.clone(), experiment.clone());
    offset["scopes"]["control"]["startTimeMillis"] = json!(START - 60 * MINUTE);
    let answer = judge(&s, request(vec![offset], &GROUPS, None)).await;
    assert_eq!(
        answer["results"][0]["resultMetadata"]["rule"]["points"], 23,
        "{answer:#}"
    );

    let mut shifted = pair("error_rate", control, experiment);
    shifted["scopes"]["experiment"]["startTimeMillis"] = json!(START + MINUTE);
    shifted["scopes"]["experiment"]["stepMillis"] = json!(MINUTE);
    shifted["scopes"]["control"]["stepMillis"] = json!(2 * MINUTE);
    let answer = judge(&s, request(vec![shifted], &GROUPS, None)).await;
    // Canary point i (at minute i + 1) meets baseline point (i + 1) / 2 for odd i from 5 to
    // 29: 13 minutes, less the two whose baseline point (10, 11) is missing.
    assert_eq!(
        answer["results"][0]["resultMetadata"]["rule"]["points"], 11,
        "{answer:#}"
    );
}

/// No canary point yet: nothing to compare, so inconclusive, scored strictly between the
/// thresholds; `controlMetadata.stats.count` is there for standalone analysis to read.
#[tokio::test]
async fn an_empty_experiment_is_inconclusive_between_the_thresholds() {
    let s = TestServer::start(Backend::Sqlite).await;
    for experiment in [json!([]), json!(["NaN", "NaN", "NaN"]), Value::Null] {
        let mut p = pair("error_rate", noisy(1, 3, 0.5, 0.2), vec![]);
        p["values"]["experiment"] = experiment.clone();
        let answer = judge(&s, request(vec![p], &GROUPS, None)).await;
        assert_eq!(
            answer["rollguard"]["verdict"], "inconclusive",
            "{experiment}: {answer:#}"
        );
        assert_eq!(answer["score"]["score"], 85.0);
        assert_eq!(answer["score"]["classification"], "Marginal");
        assert_eq!(kayenta_reads(85.0, 95.0, 75.0), "continue");
        let result = &answer["results"][0];
        assert_eq!(result["classification"], "Nodata", "{result:#}");
        assert_eq!(result["experimentMetadata"]["stats"]["count"], 0);
        assert_eq!(result["experimentMetadata"]["stats"]["mean"], 0.0);
        assert_eq!(result["controlMetadata"]["stats"]["count"], 3);
    }
    // No pair at all: nothing is judged, which is not a pass.
    let answer = judge(&s, request(vec![], &[], None)).await;
    assert_eq!(answer["rollguard"]["verdict"], "inconclusive");
    assert_eq!(answer["results"], json!([]));
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_problem() {
    let s = TestServer::start(Backend::Sqlite).await;
    let one = |control: Value, experiment: Value| {
        let mut p = pair("error_rate", vec![], vec![]);
        p["values"] = json!({"control": control, "experiment": experiment});
        request(vec![p], &GROUPS, None)
    };
    let thresholds = |pass: f64, marginal: f64| {
        let mut r = request(healthy_pairs(3), &GROUPS, None);
        r["scoreThresholds"] = json!({"pass": pass, "marginal": marginal});
        r
    };
    let cases: Vec<(Value, &str, &str, &str)> = vec![
        (
            one(json!([0.5]), json!([0.5, -1.0])),
            "invalid_input",
            "value -1 is negative",
            "metricSetPairList[0].values.experiment[1]",
        ),
        (
            one(json!([0.5, 120.0]), json!([0.5])),
            "invalid_input",
            "above 100",
            "metricSetPairList[0].values.control[1]",
        ),
        (
            one(json!(["Infinity"]), json!([0.5])),
            "invalid_input",
            "not a finite number",
            "metricSetPairList[0].values.control[0]",
        ),
        (
            one(json!(["nan"]), json!([])),
            "invalid_body",
            "\"NaN\" or null",
            "metricSetPairList[0].values.control[0]",
        ),
        (
            one(json!({"a": 1}), json!([])),
            "invalid_body",
            "an array of numbers",
            "metricSetPairList[0].values.control",
        ),
        (
            thresholds(75.0, 75.0),
            "invalid_input",
            "must be above marginal",
            "scoreThresholds",
        ),
        (
            thresholds(95.0, 101.0),
            "invalid_input",
            "from 0 to 100",
            "scoreThresholds",
        ),
        (
            request(
                vec![
                    pair("error_rate", vec![json!(0.5)], vec![json!(0.5)]),
                    pair("5xx", vec![json!(0.5)], vec![json!(0.5)]),
                ],
                &[("error_rate", "errors"), ("5xx", "error_rate")],
                None,
            ),
            "invalid_input",
            "both map onto the error_rate rule",
            "metricSetPairList[1].name",
        ),
        (
            request(
                vec![pair("x", vec![json!(0.5)], vec![json!(0.5)])],
                &[("x", "latency")],
                Some(json!({"extends": "compare",
                    "kayenta": {"conversion": {"groups": ["latency"]}}})),
            ),
            "invalid_input",
            "more than one rule (latency, conversion)",
            "metricSetPairList[0].name",
        ),
        (
            {
                let mut p = pair("error_rate", vec![json!(0.5), json!(0.6)], vec![]);
                p["scopes"]["control"]["stepMillis"] = json!(0);
                request(vec![p], &GROUPS, None)
            },
            "invalid_input",
            "stepMillis 0 must be positive",
            "metricSetPairList[0].scopes.control",
        ),
    ];
    for (body, code, fragment, field) in cases {
        let resp = s.post(JUDGE, body.clone()).await;
        assert_error(&resp, 400, code, fragment);
        assert_eq!(resp.1["error"]["details"]["field"], field, "{}", resp.1);
    }
    // A scale shows in the message, so a ratio sent as percent is easy to spot.
    let mut r = one(json!([0.5]), json!([2.0]));
    r["canaryConfig"]["judge"]["judgeConfigurations"]["policy"] =
        json!({"extends": "compare", "kayenta": {"error_rate": {"scale": 100}}});
    assert_error(
        &s.post(JUDGE, r).await,
        400,
        "invalid_input",
        "value 2 × scale 100",
    );
    // Policies: unknown names, bad inline ones.
    let mut r = request(healthy_pairs(3), &GROUPS, Some(json!("no-such-policy")));
    assert_error(
        &s.post(JUDGE, r.clone()).await,
        400,
        "unknown_policy",
        "no-such-policy",
    );
    r["canaryConfig"]["judge"]["judgeConfigurations"]["policy"] =
        json!({"kayenta": {"latency": {"scale": 0}}});
    assert_error(
        &s.post(JUDGE, r).await,
        400,
        "invalid_policy",
        "kayenta.latency.scale",
    );
    // Objects are objects: serde would read a struct from an array of its fields.
    for (body, field) in [
        (json!({"scoreThresholds": [95.0, 75.0]}), "scoreThresholds"),
        (json!({"canaryConfig": [null]}), "canaryConfig"),
        (json!({"metricSetPairList": [null]}), "metricSetPairList[0]"),
        (
            json!({"metricSetPairList": [["x"]]}),
            "metricSetPairList[0]",
        ),
        (
            json!({"metricSetPairList": [{"scopes": {"control": [0, 60000]}}]}),
            "metricSetPairList[0].scopes.control",
        ),
    ] {
        let resp = s.post(JUDGE, body.clone()).await;
        assert_error(&resp, 400, "invalid_body", "a JSON object");
        assert_eq!(
            resp.1["error"]["details"]["field"], field,
            "{body}: {}",
            resp.1
        );
    }
    // Not JSON at all.
    let resp = s.client.post(s.url(JUDGE)).body("x").send().await.unwrap();
    assert_eq!(resp.status(), 415);
}

#[tokio::test]
async fn unknown_fields_are_ignored_and_known_ones_optional() {
    let s = TestServer::start(Backend::Sqlite).await;
    let plain = request(healthy_pairs(10), &GROUPS, None);
    let mut extra = plain.clone();
    extra["newTopLevelField"] = json!({"x": 1});
    extra["canaryConfig"]["createdTimestamp"] = json!(1_700_000_000_000_i64);
    extra["canaryConfig"]["judge"]["judgeConfigurations"]["somethingElse"] = json!([1, 2]);
    extra["canaryConfig"]["metrics"][0]["query"]["customInlineTemplate"] = json!("PromQL:up");
    extra["canaryConfig"]["metrics"][0]["analysisConfigurations"]["canary"]["effectSize"] =
        json!({"allowedIncrease": 1.1});
    extra["scoreThresholds"]["future"] = json!(true);
    extra["metricSetPairList"][0]["scopes"]["control"]["someNewScopeField"] = json!("x");
    extra["metricSetPairList"][1]["values"]["third"] = json!([1.0]);
    assert_eq!(judge(&s, extra).await, judge(&s, plain.clone()).await);

    // Kayenta omits nulls: absent fields take their defaults, and explicit nulls do too.
    let mut sparse = plain.clone();
    for p in sparse["metricSetPairList"].as_array_mut().unwrap() {
        let p = p.as_object_mut().unwrap();
        p.remove("id");
        p.insert("tags".into(), Value::Null);
        p.remove("attributes");
    }
    sparse["canaryConfig"]["classifier"] = Value::Null;
    sparse.as_object_mut().unwrap().remove("scoreThresholds");
    let answer = judge(&s, sparse).await;
    assert_eq!(answer["rollguard"]["verdict"], "pass", "{answer:#}");
    assert!(answer["results"][0].get("id").is_none(), "{answer:#}");
    assert_eq!(answer["results"][0]["tags"], json!({}));

    // Without scopes, the archival form's top-level scope is used, and without that,
    // positions pair.
    let mut archival = plain.clone();
    for p in archival["metricSetPairList"].as_array_mut().unwrap() {
        let p = p.as_object_mut().unwrap();
        p.remove("scopes");
        p.insert("startTimeMillis".into(), json!(START));
        p.insert("stepMillis".into(), json!(3_600_000));
    }
    assert_eq!(
        judge(&s, archival.clone()).await["rollguard"],
        json!({"verdict": "pass", "policy": "compare"})
    );
    for p in archival["metricSetPairList"].as_array_mut().unwrap() {
        let p = p.as_object_mut().unwrap();
        p.remove("startTimeMillis");
        p.remove("stepMillis");
    }
    let answer = judge(&s, archival).await;
    assert_eq!(answer["results"][0]["resultMetadata"]["rule"]["points"], 10);
    // An empty object is a request too: nothing to judge.
    assert_eq!(
        judge(&s, json!({})).await["rollguard"]["verdict"],
        "inconclusive"
    );
}

/// Every verdict lands on the side of the thresholds Kayenta and Spinnaker read it on, at the
/// edges of what the thresholds may be.
#[tokio::test]
async fn scores_fall_on_the_right_side_of_the_thresholds_at_their_edges() {
    let s = TestServer::start(Backend::Sqlite).await;
    let mut regression = healthy_pairs(30);
    regression[0] = pair("error_rate", noisy(1, 30, 0.5, 0.2), noisy(2, 30, 5.5, 0.2));
    let cases = [
        ("pass", healthy_pairs(30), "pass"),
        ("rollback", regression, "fail"),
        (
            "inconclusive",
            vec![pair("error_rate", noisy(1, 3, 0.5, 0.2), vec![])],
            "continue",
        ),
    ];
    let next_up = |x: f64| f64::from_bits(x.to_bits() + 1);
    for (pass, marginal) in [
        (95.0, 75.0),
        (100.0, 0.0),
        (100.0, 99.99),
        (0.01, 0.0),
        (next_up(next_up(50.0)), 50.0),
    ] {
        for (verdict, pairs, reads) in &cases {
            let mut r = request(pairs.clone(), &GROUPS, None);
            r["scoreThresholds"] = json!({"pass": pass, "marginal": marginal});
            let answer = judge(&s, r).await;
            assert_eq!(answer["rollguard"]["verdict"], *verdict, "{answer:#}");
            let score = answer["score"]["score"].as_f64().unwrap();
            assert_eq!(
                kayenta_reads(score, pass, marginal),
                *reads,
                "{verdict} at pass {pass}, marginal {marginal}: score {score}"
            );
        }
    }
    // Thresholds come from the canary config when the request has none.
    let mut r = request(
        vec![pair("error_rate", noisy(1, 3, 0.5, 0.2), vec![])],
        &GROUPS,
        None,
    );
    r.as_object_mut().unwrap().remove("scoreThresholds");
    r["canaryConfig"]["classifier"]["scoreThresholds"] = json!({"pass": 80.0, "marginal": 40.0});
    assert_eq!(judge(&s, r.clone()).await["score"]["score"], 60.0);
    // And from Kayenta's documented defaults (95 / 75) when neither does.
    r["canaryConfig"]["classifier"] = json!({});
    assert_eq!(judge(&s, r).await["score"]["score"], 85.0);
    // No room between them: refused, on every verdict.
    let next = next_up(50.0);
    let mut r = request(healthy_pairs(30), &GROUPS, None);
    r["scoreThresholds"] = json!({"pass": next, "marginal": 50.0});
    assert_error(
        &s.post(JUDGE, r).await,
        400,
        "invalid_input",
        "must be above marginal",
    );
}

/// The mapping: by name, by group, per policy; what no rule judges is `Nodata` and never
/// makes a pass on its own.
#[tokio::test]
async fn metrics_map_onto_rules_by_name_or_group_per_policy() {
    let s = TestServer::start(Backend::Sqlite).await;
    let healthy = healthy_pairs(30);
    let renamed = |name: &str, p: &Value| {
        let mut p = p.clone();
        p["name"] = json!(name);
        p
    };
    // Custom names in the default groups `error_rate` and `latency`, and a cpu metric no rule
    // judges.
    let pairs = vec![
        renamed("5xx ratio", &healthy[0]),
        renamed("p99", &healthy[1]),
        pair("cpu", noisy(7, 30, 40.0, 5.0), noisy(8, 30, 90.0, 5.0)),
    ];
    let groups = [
        ("5xx ratio", "error_rate"),
        ("p99", "latency"),
        ("cpu", "system"),
    ];
    let answer = judge(&s, request(pairs.clone(), &groups, None)).await;
    assert_eq!(answer["rollguard"]["verdict"], "pass", "{answer:#}");
    let metrics: Vec<&Value> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["resultMetadata"]["metric"])
        .collect();
    assert_eq!(
        metrics,
        [&json!("error_rate"), &json!("latency_p99"), &Value::Null]
    );
    let cpu = &answer["results"][2];
    assert_eq!(cpu["classification"], "Nodata");
    assert!(
        cpu["classificationReason"]
            .as_str()
            .unwrap()
            .contains("no rule judges metric 'cpu'"),
        "{cpu}"
    );
    assert_eq!(cpu["controlMetadata"]["stats"]["count"], 30);
    assert_eq!(
        answer["groupScores"][2],
        json!({"name": "system", "score": 85.0, "classification": "Marginal",
               "classificationReason": "inconclusive"})
    );

    // Only unjudged metrics: inconclusive, not pass.
    let only_cpu = vec![pairs[2].clone()];
    let answer = judge(&s, request(only_cpu, &groups, None)).await;
    assert_eq!(answer["rollguard"]["verdict"], "inconclusive");

    // A stored policy maps the cpu metric (by name) onto latency, in place of p99; muting p99
    // in the canary config keeps it out.
    let (status, body) = s
        .put(
            "/v1/policies/kayenta-cpu",
            json!({"extends": "compare", "kayenta": {"latency": {"metrics": ["cpu"], "groups": []}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let mut r = request(pairs.clone(), &groups, Some(json!("kayenta-cpu")));
    let answer = judge(&s, r.clone()).await;
    assert_eq!(
        answer["rollguard"],
        json!({"verdict": "rollback", "policy": "kayenta-cpu"})
    );
    assert_eq!(answer["results"][2]["classification"], "High", "{answer:#}");
    assert_eq!(answer["results"][1]["classification"], "Nodata");
    r["canaryConfig"]["metrics"][2]["analysisConfigurations"]["canary"]["muted"] = json!(true);
    let answer = judge(&s, r).await;
    assert_eq!(answer["rollguard"]["verdict"], "pass", "{answer:#}");
    assert_eq!(answer["results"][2]["muted"], true);
    assert_eq!(answer["results"][2]["classification"], "Nodata");

    // A rule the policy disables judges nothing.
    let r = request(
        healthy_pairs(30),
        &GROUPS,
        Some(json!({"extends": "compare", "rules": {"latency": {"enabled": false}}})),
    );
    let answer = judge(&s, r).await;
    assert_eq!(
        answer["rollguard"],
        json!({"verdict": "pass", "policy": "inline"})
    );
    let latency = &answer["results"][1];
    assert_eq!(latency["classification"], "Nodata");
    assert!(
        latency["classificationReason"]
            .as_str()
            .unwrap()
            .contains("disabled in policy 'inline'"),
        "{latency}"
    );
}
