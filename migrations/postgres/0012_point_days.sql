-- The UTC days a deployment's points span (issue 18): the verdict cache's reads of `points` name
-- them as literal bounds, so Postgres plans the read over those days' partitions only, instead
-- of probing every daily partition's index (about 0.01 ms each per read, and `retention` + 9 of
-- them; docs/performance.md).
--
-- Every point of the deployment lies within [first_day, last_day]: ingest widens the row in the
-- transaction that writes a point outside it, so a snapshot that sees a point sees a range that
-- holds it. It never narrows: retention leaves it wider than the data, which costs reads a few
-- empty partitions and nothing else. No foreign key, as for `points` (0003): an ingest holds its
-- deployment's advisory lock while it writes here, and a key lock on the deployment's row would
-- wait for a delete that waits for that lock. Deleting a deployment deletes its row here.
create table point_days (
    deployment_id bigint primary key,
    first_day     date not null,
    last_day      date not null,
    constraint point_days_ordered check (first_day <= last_day)
);

insert into point_days (deployment_id, first_day, last_day)
select deployment_id, min((ts at time zone 'UTC')::date), max((ts at time zone 'UTC')::date)
from points
group by deployment_id;
