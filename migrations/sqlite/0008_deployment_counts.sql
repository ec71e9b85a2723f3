-- Each deployment's point count and latest verdict, kept on its row (issue 18); see the Postgres
-- migration 0010. Ingest adds the points it inserted, retention takes off those it removes, the
-- verdict writer sets the latest verdict and retention sets it back to the newest one left.
-- `latest_verdict_at` is in microseconds since the epoch, like every SQLite time here.
alter table deployments add column point_count integer not null default 0
    check (point_count >= 0);
alter table deployments add column latest_verdict_id integer;
alter table deployments add column latest_verdict text
    check (latest_verdict in ('pass', 'rollback', 'inconclusive'));
alter table deployments add column latest_verdict_at integer;
alter table deployments add column latest_verdict_policy text;

update deployments set point_count = (
    select count(*) from points p where p.deployment_id = deployments.id);
update deployments set (latest_verdict_id, latest_verdict, latest_verdict_at, latest_verdict_policy) = (
    select v.id, v.verdict, v.evaluated_at, v.policy from verdicts v
    where v.deployment_id = deployments.id order by v.id desc limit 1);

-- The lists filter by latest verdict, alone or within an environment, newest first.
create index deployments_latest_verdict on deployments (latest_verdict, id desc);
create index deployments_environment on deployments (environment, latest_verdict, id desc);
