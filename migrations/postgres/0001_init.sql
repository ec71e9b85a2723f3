-- rollguard schema, Postgres. Never edit a landed migration: add a new one.

create table deployments (
    id          bigint generated always as identity primary key,
    key         text not null unique,
    service     text,
    environment text,
    version     text,
    started_at  timestamptz,
    labels      jsonb not null default '{}'::jsonb,
    policy      text,
    outcome     text check (outcome in ('rolled_back', 'promoted')),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
-- The dashboard and the list endpoint filter by service and environment, newest (highest id) first.
create index deployments_service_env on deployments (service, environment, id desc);

-- One row per (deployment, metric, cohort, ts): the primary key is what makes ingest idempotent
-- (re-sent points replace their value) and it serves every read, which is always one
-- deployment's series in time order. No other index: each one costs ingest throughput.
create table points (
    deployment_id bigint not null references deployments (id) on delete cascade,
    metric        text not null,
    cohort        text not null check (cohort in ('canary', 'baseline', 'pre')),
    ts            timestamptz not null,
    value         double precision not null,
    primary key (deployment_id, metric, cohort, ts)
);

create table policies (
    name       text not null,
    version    integer not null,
    body       jsonb not null,
    created_at timestamptz not null default now(),
    primary key (name, version)
);

-- Which policy a deployment in an environment gets when it names none: data, not code.
create table environment_policies (
    environment text primary key,
    policy      text not null,
    updated_at  timestamptz not null default now()
);

create table verdicts (
    id             bigint generated always as identity primary key,
    deployment_id  bigint not null references deployments (id) on delete cascade,
    evaluated_at   timestamptz not null default now(),
    as_of          timestamptz,
    policy         text not null,
    policy_version integer,
    verdict        text not null check (verdict in ('pass', 'rollback', 'inconclusive')),
    points         bigint not null,
    first_ts       timestamptz,
    last_ts        timestamptz,
    report         jsonb not null
);
create index verdicts_by_deployment on verdicts (deployment_id, id desc);
