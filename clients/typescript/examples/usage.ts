// The README's example, type-checked by `npm run check` and run against a live server by
// scripts/test-clients (`node dist/examples/usage.js` with ROLLGUARD_URL set).
import { createRollguardClient } from "../src/index.js";

const client = createRollguardClient({
  baseUrl: process.env.ROLLGUARD_URL ?? "http://127.0.0.1:8080",
});
const key = "checkout.production.v2-3-1";
const t0 = Date.parse("2026-11-24T10:00:00Z");
const at = (minute: number) => new Date(t0 + minute * 60_000).toISOString();

// Create (201) or replace (200) the deployment.
const created = await client.PUT("/v1/deployments/{key}", {
  params: { path: { key } },
  body: { service: "checkout", environment: "production", version: "v2.3.1", started_at: at(0) },
});
if (created.error) throw new Error(created.error.error.message);

// Ingest the canary's error rates (percent).
const ingest = await client.POST("/v1/deployments/{key}/points", {
  params: { path: { key } },
  body: {
    points: [0.4, 5.9, 6.2, 6.2].map((value, i) => ({ metric: "error_rate", ts: at(i), value })),
  },
});
if (ingest.error) throw new Error(ingest.error.error.message);
console.log(`accepted ${ingest.data.accepted} points`);

// Ask for a verdict (by the seed policy; without `policy`, the deployment's own or its
// environment's default): recorded in the deployment's history.
const { data: verdict, error } = await client.POST("/v1/deployments/{key}/verdicts", {
  params: { path: { key } },
  body: { policy: "seed", canary_weight: 20 },
});
if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
console.log(verdict.verdict, verdict.recommendation?.action); // rollback abort
for (const rule of verdict.rules) console.log(rule.rule, rule.status, rule.message);

// A bad batch is a typed 400: nothing of it is stored.
const bad = await client.POST("/v1/deployments/{key}/points", {
  params: { path: { key } },
  body: { points: [{ metric: "error_rate", ts: at(9), value: 140 }] },
});
console.log(bad.response.status, bad.error?.error.code); // 400 invalid_point

// The verdict history, newest first.
const history = await client.GET("/v1/deployments/{key}/verdicts", {
  params: { path: { key }, query: { limit: 10 } },
});
console.log(history.data?.verdicts.map((v) => v.verdict));

if (verdict.verdict !== "rollback" || bad.response.status !== 400 || history.data?.verdicts.length !== 1) {
  throw new Error("unexpected answers from rollguard");
}
