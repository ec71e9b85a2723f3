-- rollguard schema, SQLite (the embedded default). Timestamps are integer microseconds since the
-- Unix epoch (UTC), so they compare and sort as numbers. Never edit a landed migration.

create table deployments (
    id          integer primary key autoincrement,
    key         text not null unique,
    service     text,
    environment text,
    version     text,
    started_at  integer,
    labels      text not null default '{}',
    policy      text,
    outcome     text check (outcome in ('rolled_back', 'promoted')),
    created_at  integer not null,
    updated_at  integer not null
);
create index deployments_service_env on deployments (service, environment, id desc);

-- The primary key makes ingest idempotent and serves every read (one deployment's series).
create table points (
    deployment_id integer not null references deployments (id) on delete cascade,
    metric        text not null,
    cohort        text not null check (cohort in ('canary', 'baseline', 'pre')),
    ts            integer not null,
    value         real not null,
    primary key (deployment_id, metric, cohort, ts)
) without rowid;

create table policies (
    name       text not null,
    version    integer not null,
    body       text not null,
    created_at integer not null,
    primary key (name, version)
);

create table environment_policies (
    environment text primary key,
    policy      text not null,
    updated_at  integer not null
);

create table verdicts (
    id             integer primary key autoincrement,
    deployment_id  integer not null references deployments (id) on delete cascade,
    evaluated_at   integer not null,
    as_of          integer,
    policy         text not null,
    policy_version integer,
    verdict        text not null check (verdict in ('pass', 'rollback', 'inconclusive')),
    points         integer not null,
    first_ts       integer,
    last_ts        integer,
    report         text not null
);
create index verdicts_by_deployment on verdicts (deployment_id, id desc);
