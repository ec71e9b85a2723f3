-- Each deployment's point count and latest verdict, kept on its row (issue 18). The dashboard's
-- lists (`GET /v1/deployments`) counted every listed deployment's points across every daily
-- partition and looked its latest verdict up with a subquery per deployment, also to filter by
-- it: 42-118 ms a page with a month of data (docs/performance.md, "A month of data").
--
-- Who keeps them (src/store/postgres.rs, src/store/partitions.rs): ingest adds the points it
-- inserted (not those it replaced); retention takes off the points it removes, a dropped day's
-- partition included; the verdict writer sets the latest verdict, and retention sets it back to
-- the newest one left when it removes it. A delete removes the row with the rest. Every writer
-- that changes them locks the row last, after the points, or (verdicts) before anything else.
--
-- `latest_verdict_id` orders them: verdicts written at once by two replicas may commit out of
-- id order, and the latest is the one with the highest id, as before.
alter table deployments
    add column point_count           bigint not null default 0
                                     constraint deployments_point_count_non_negative
                                     check (point_count >= 0),
    add column latest_verdict_id     bigint,
    add column latest_verdict        text
                                     constraint deployments_latest_verdict_check
                                     check (latest_verdict in ('pass', 'rollback', 'inconclusive')),
    add column latest_verdict_at     timestamptz,
    add column latest_verdict_policy text;

-- One pass over each table for the existing data.
update deployments d set point_count = c.n
from (select deployment_id, count(*) as n from points group by deployment_id) c
where c.deployment_id = d.id;

update deployments d
set latest_verdict_id = v.id, latest_verdict = v.verdict, latest_verdict_at = v.evaluated_at,
    latest_verdict_policy = v.policy
from (select distinct on (deployment_id) deployment_id, id, verdict, evaluated_at, policy
      from verdicts order by deployment_id, id desc) v
where v.deployment_id = d.id;

-- The lists filter by latest verdict, alone or within an environment, newest (highest id) first,
-- and page by id. The counts and verdict times change at every ingest batch and verdict without
-- touching an index, so those updates can be HOT (no index entries, the old version pruned
-- within the page) where the page has room: hence the fill factor, for pages written from now on.
create index deployments_latest_verdict on deployments (latest_verdict, id desc);
create index deployments_environment on deployments (environment, latest_verdict, id desc);
alter table deployments set (fillfactor = 80);
