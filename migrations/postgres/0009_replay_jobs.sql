-- Replays as jobs any replica can run (issue 18). A replay is held by one replica (`owner`) until
-- `lease_until`, which that replica's heartbeat pushes forward; once the lease lapses (the
-- replica died), another replica claims the row and runs `request` again, or fails it with the
-- reason. `runs` counts the claims, so a replay that kills every replica running it stops being
-- passed on; `cancel_requested` carries a cancel asked through any replica to the owner.
alter table replays
    add column request jsonb,
    add column owner text,
    add column lease_until timestamptz,
    add column runs integer not null default 1,
    add column cancel_requested boolean not null default false;

-- The replicas' look for lapsed leases reads only running replays.
create index replays_running_lease on replays (lease_until) where status = 'running';
