-- Lifecycle (issue 18): `points` partitioned by day of `ts`, so that retention drops a whole
-- day's partition (a catalog change, no dead rows, no vacuum) instead of deleting its rows.
--
-- Why a day: retention is counted in days (`--retention 30d`), a day of 1,000 canaries is about
-- 8.6 M rows (docs/scaling.md), small enough to drop in one step, and a canary's points span a
-- day or two, so one deployment's rows sit in one or two partitions. Every verdict read scans
-- each partition's primary key for the deployment (nothing bounds a deployment's times), so
-- fewer partitions read faster: with retention on, a day costs about `retention` + 8 of them;
-- without retention they grow by one a day (weeks would grow slower but free space a week late).
--
-- Partitions are named points_pYYYYMMDD (UTC days) and created ahead of the data by the server
-- (8 days ahead, on start and then hourly; src/store/partitions.rs). `points_default` takes any
-- other time (years 0001 to 9999 are valid), so ingest never fails for want of a partition;
-- creating a day's partition later moves that day's rows out of it first.

alter table points rename to points_unpartitioned;
alter index points_pkey rename to points_unpartitioned_pkey;
alter index points_writer rename to points_unpartitioned_writer;

-- The same columns, keys and checks as before (0001, 0004, 0005). The primary key already
-- holds `ts`, as a partitioned table's unique keys must, so `on conflict` upserts keep working.
create table points (
    deployment_id bigint not null,
    metric        text not null,
    cohort        text not null
                  constraint points_cohort_check check (cohort in ('canary', 'baseline', 'pre')),
    ts            timestamptz not null,
    value         double precision not null,
    count         bigint constraint points_count_non_negative check (count >= 0),
    writer        xid8,
    primary key (deployment_id, metric, cohort, ts)
) partition by range (ts);
-- The verdict cache's index (0005), on every partition.
create index points_writer on points (deployment_id, writer);

create table points_default partition of points default;
-- Retention removes the default partition's old rows one batch at a time, and creating a day's
-- partition moves that day's rows out of it: both find them by time. Only this partition has
-- it: the daily ones are dropped whole and need none.
create index points_default_ts on points_default (ts);

-- A partition for each UTC day that holds data, and for today and the 8 days after.
do $$
declare
    day date;
begin
    for day in
        select distinct (ts at time zone 'UTC')::date from points_unpartitioned
        union
        select (now() at time zone 'UTC')::date + i from generate_series(0, 8) i
    loop
        execute format(
            'create table %I partition of points for values from (%L) to (%L)',
            'points_p' || to_char(day, 'YYYYMMDD'),
            day::text || ' 00:00:00+00',
            (day + 1)::text || ' 00:00:00+00');
    end loop;
end $$;

insert into points (deployment_id, metric, cohort, ts, value, count, writer)
select deployment_id, metric, cohort, ts, value, count, writer from points_unpartitioned;
drop table points_unpartitioned;

-- Bumped in the same transaction as every removal of points by retention. The verdict cache
-- (src/store/series_cache.rs) reads it with each deployment's series and reads the series whole
-- again when it changed: deleted rows leave no `writer` for its delta read to find.
create table points_epoch (
    one   boolean primary key default true check (one),
    epoch bigint not null
);
insert into points_epoch (epoch) values (0);

-- Retention removes verdicts older than the limit in batches, oldest first.
create index verdicts_evaluated_at on verdicts (evaluated_at);
