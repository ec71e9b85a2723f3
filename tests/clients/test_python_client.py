"""The generated Python client (clients/python) against a live rollguard.

Run by scripts/test-clients, which installs the client into a fresh venv, starts the server on a
fresh SQLite file and sets ROLLGUARD_URL. Plain asserts: run it with `python` (it prints
"N passed, M failed" and exits non-zero on any failure) or with pytest.
"""

import datetime as dt
import os
import sys
import traceback

from rollguard_client import Client
from rollguard_client.types import UNSET
from rollguard_client.api.deployments import (
    get_deployment,
    ingest_points,
    list_deployments,
    put_deployment,
    read_points,
)
from rollguard_client.api.health import healthz, readyz
from rollguard_client.api.hooks import flagger_gate, kayenta_judge
from rollguard_client.api.policies import get_policy, put_environment, put_policy
from rollguard_client.api.verdicts import (
    create_verdict,
    evaluate_document,
    list_verdicts,
    peek_verdict,
)
from rollguard_client.models import (
    CanaryJudgeResult,
    RemoteJudgeRequest,
    Cohort,
    Decision,
    Deployment,
    DeploymentSpec,
    DeploymentSpecLabels,
    EnvironmentRequest,
    ErrorBody,
    EvaluationDocument,
    EvaluationDocumentMetrics,
    FlaggerPayload,
    FlaggerPayloadMetadata,
    IngestRequest,
    IngestResponse,
    PointInput,
    Policy,
    PolicyRecord,
    RuleName,
    RuleStatus,
    SeriesList,
    StepAction,
    StoredVerdict,
    VerdictPage,
    VerdictRequest,
)

T0 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)


def client() -> Client:
    # Any status the document does not list raises: the contract is checked on every call.
    return Client(base_url=os.environ["ROLLGUARD_URL"], raise_on_unexpected_status=True)


def points(metric: str, values: list[float], cohort: Cohort = Cohort.CANARY) -> list[PointInput]:
    return [
        PointInput(metric=metric, ts=T0 + dt.timedelta(minutes=i), value=v, cohort=cohort)
        for i, v in enumerate(values)
    ]


def failing_batch() -> IngestRequest:
    """Error rates that trip the seed's error-rate rule; calm latency and conversion."""
    return IngestRequest(
        points=points("error_rate", [0.4, 0.7, 5.9, 6.2, 6.2])
        + points("latency_p99", [200, 210, 190, 205, 195, 200, 201, 199])
        + points("conversion_rate", [0.031])
        + points("conversion_rate", [0.030, 0.032], Cohort.BASELINE)
    )


def test_health_and_readiness():
    with client() as c:
        assert healthz.sync(client=c).status == "ok"
        ready = readyz.sync(client=c)
        assert (ready.status, ready.store) == ("ready", "sqlite")


def test_create_then_replace_a_deployment():
    with client() as c:
        spec = DeploymentSpec(
            service="checkout",
            environment="production",
            version="v2.3.1",
            started_at=T0,
            labels=DeploymentSpecLabels.from_dict({"team": "payments"}),
        )
        created = put_deployment.sync_detailed("checkout.prod.1", client=c, body=spec)
        assert created.status_code == 201
        assert isinstance(created.parsed, Deployment)
        assert created.parsed.key == "checkout.prod.1"
        assert created.parsed.started_at == T0
        assert created.parsed.labels["team"] == "payments"
        assert created.parsed.points == 0

        spec.version = "v2.3.2"
        replaced = put_deployment.sync_detailed("checkout.prod.1", client=c, body=spec)
        assert replaced.status_code == 200
        assert replaced.parsed.version == "v2.3.2"


def test_ingest_ask_for_a_verdict_and_read_the_history():
    key = "checkout.prod.2"
    with client() as c:
        stored = ingest_points.sync(key, client=c, body=failing_batch())
        assert isinstance(stored, IngestResponse)
        assert stored.accepted == 16

        # The seed policy, whose numbers and messages the assertions quote.
        v = create_verdict.sync(key, client=c, body=VerdictRequest(policy="seed", canary_weight=20))
        assert isinstance(v, StoredVerdict), v
        assert v.verdict == Decision.ROLLBACK
        assert v.policy == "seed"
        assert isinstance(v.id, int)
        assert v.points == 16
        assert (v.first_ts, v.last_ts) == (T0, T0 + dt.timedelta(minutes=7))
        error_rate = v.rules[0]
        assert (error_rate.rule, error_rate.status) == (RuleName.ERROR_RATE, RuleStatus.TRIGGERED)
        assert error_rate.message == "mean error rate of last 3 points 6.10% > 5.00%"
        assert v.recommendation.action == StepAction.ABORT

        page = list_verdicts.sync(key, client=c)
        assert isinstance(page, VerdictPage)
        assert [h.id for h in page.verdicts] == [v.id]
        assert page.verdicts[0].rules == v.rules
        assert page.next_cursor is None

        d = get_deployment.sync(key, client=c)
        assert (d.points, d.latest_verdict) == (16, Decision.ROLLBACK)


def test_a_verdict_request_registers_its_deployment_once():
    key = "shop.checkout.7b9c5d6f48"
    spec = DeploymentSpec(
        service="checkout",
        environment="production",
        version="7b9c5d6f48",
        labels=DeploymentSpecLabels.from_dict({"baseline_version": "5f7c9d8b41"}),
    )
    with client() as c:
        for _ in range(2):
            v = create_verdict.sync(key, client=c, body=VerdictRequest(deployment=spec))
            assert isinstance(v, StoredVerdict), v
            assert v.verdict == Decision.INCONCLUSIVE
        d = get_deployment.sync(key, client=c)
        assert (d.service, d.version) == ("checkout", "7b9c5d6f48")
        assert d.labels["baseline_version"] == "5f7c9d8b41"
        # The second request sent the same deployment: nothing was written.
        assert d.updated_at == d.created_at


def test_a_bad_batch_is_a_typed_400_and_stores_nothing():
    key = "checkout.prod.3"
    with client() as c:
        batch = IngestRequest(points=points("error_rate", [1.0, 140.0, 2.0]))
        resp = ingest_points.sync_detailed(key, client=c, body=batch)
        assert resp.status_code == 400
        err = resp.parsed
        assert isinstance(err, ErrorBody), resp.content
        assert err.error.code == "invalid_point"
        assert err.error.message.startswith("points[1]: error rate 140")
        assert err.error.details == {"index": 1, "field": "points[1].value"}

        missing = get_deployment.sync_detailed(key, client=c)
        assert missing.status_code == 404
        assert isinstance(missing.parsed, ErrorBody)
        assert missing.parsed.error.code == "not_found"


def test_counts_are_ingested_and_read_back():
    key = "checkout.prod.counts"
    with client() as c:
        batch = [
            PointInput(metric="error_rate", ts=T0, value=1.0, count=850),
            PointInput(metric="error_rate", ts=T0 + dt.timedelta(minutes=1), value=2.0, count=900),
            PointInput(metric="latency_p99", ts=T0, value=200.0),
        ]
        stored = ingest_points.sync(key, client=c, body=IngestRequest(points=batch))
        assert isinstance(stored, IngestResponse) and stored.accepted == 3
        read = read_points.sync(key, client=c)
        assert isinstance(read, SeriesList)
        by_metric = {s.metric: [p.count for p in s.points] for s in read.series}
        assert by_metric["error_rate"] == [850, 900]
        assert by_metric["latency_p99"] == [UNSET]


def test_an_unknown_deployment_is_inconclusive_and_not_recorded():
    with client() as c:
        v = peek_verdict.sync("nobody.knows", client=c)
        assert isinstance(v, StoredVerdict)
        assert v.verdict == Decision.INCONCLUSIVE
        assert v.id is None
        # Judged by the default `compare` policy: no cohort has any metric, so no rule applies.
        assert v.policy == "compare"
        assert all(r.status == RuleStatus.NOT_APPLICABLE for r in v.rules)


def test_stateless_evaluation():
    with client() as c:
        doc = EvaluationDocument(
            policy="seed",
            metrics=EvaluationDocumentMetrics.from_dict(
                {"error_rate": [0.4, 0.7, 0.6], "latency_p99": [200, 210, 190, 205, 195, 200, 201]}
            ),
        )
        v = evaluate_document.sync(client=c, body=doc)
        assert v.verdict == Decision.INCONCLUSIVE  # no conversion data
        assert [r.status for r in v.rules] == [
            RuleStatus.PASSED,
            RuleStatus.PASSED,
            RuleStatus.INSUFFICIENT_DATA,
        ]


def test_a_stored_policy_becomes_an_environment_default():
    with client() as c:
        seed = get_policy.sync("seed", client=c)
        assert isinstance(seed, PolicyRecord) and seed.builtin
        strict = Policy.from_dict(seed.policy.to_dict())
        strict.rules.error_rate.threshold = 0.5
        created = put_policy.sync_detailed("strict", client=c, body=strict)
        assert created.status_code == 201
        assert (created.parsed.name, created.parsed.version) == ("strict", 1)

        read_only = put_policy.sync_detailed("seed", client=c, body=strict)
        assert read_only.status_code == 409
        assert read_only.parsed.error.code == "policy_read_only"

        env = put_environment.sync("staging", client=c, body=EnvironmentRequest(policy="strict"))
        assert env.policy == "strict"

        key = "search.staging.7"
        put_deployment.sync(key, client=c, body=DeploymentSpec(environment="staging"))
        ingest_points.sync(key, client=c, body=IngestRequest(points=points("error_rate", [0.6] * 3)))
        v = create_verdict.sync(key, client=c)
        assert (v.policy, v.policy_version) == ("strict", 1)
        assert v.rules[0].status == RuleStatus.TRIGGERED


def test_deployments_are_listed_newest_first_in_pages():
    with client() as c:
        for i in range(3):
            put_deployment.sync(f"paged.{i}", client=c, body=DeploymentSpec(service="paged"))
        first = list_deployments.sync(client=c, service="paged", limit=2)
        assert [d.key for d in first.deployments] == ["paged.2", "paged.1"]
        rest = list_deployments.sync(client=c, service="paged", limit=2, cursor=first.next_cursor)
        assert [d.key for d in rest.deployments] == ["paged.0"]
        assert rest.next_cursor is None


def test_the_flagger_gate_holds_a_failing_canary_with_a_typed_412():
    with client() as c:
        ingest_points.sync("test.podinfo", client=c, body=failing_batch())
        resp = flagger_gate.sync_detailed(
            client=c,
            body=FlaggerPayload(
                name="podinfo",
                namespace="test",
                metadata=FlaggerPayloadMetadata.from_dict({"policy": "seed", "canary_weight": "10"}),
            ),
        )
        assert resp.status_code == 412
        assert isinstance(resp.parsed, ErrorBody)
        assert resp.parsed.error.code == "verdict_rollback"
        assert resp.parsed.error.details["verdict"] == "rollback"
        assert resp.parsed.error.details["rules"]["error_rate"] == "triggered"


def test_the_kayenta_judge_reads_nan_padding_and_scores_a_pass():
    scope = {"startTimeMillis": 1796119200000, "stepMillis": 60000}
    request = RemoteJudgeRequest.from_dict({
        "canaryConfig": {"judge": {"name": "RemoteJudge-v1.0", "judgeConfigurations": {}}},
        "scoreThresholds": {"pass": 95.0, "marginal": 75.0},
        "metricSetPairList": [{
            "name": "error_rate",
            "values": {"control": [0.5, 0.6, 0.4, 0.5], "experiment": ["NaN", 0.5, 0.4, None]},
            "scopes": {"control": scope, "experiment": scope},
        }],
    })
    with client() as c:
        result = kayenta_judge.sync(client=c, body=request)
    assert isinstance(result, CanaryJudgeResult), result
    assert result.score.score == 100.0
    assert result.rollguard.verdict == Decision.PASS
    assert result.results[0].experiment_metadata.stats.count == 2
    assert result.results[0].control_metadata.stats.count == 4


def main() -> int:
    tests = [(name, f) for name, f in globals().items() if name.startswith("test_") and callable(f)]
    failed = 0
    for name, test in tests:
        try:
            test()
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
        else:
            print(f"ok   {name}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
