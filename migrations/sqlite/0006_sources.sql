-- Metrics sources (Prometheus servers read at verdict time) and their PromQL templates. A source
-- keeps where its secret is (an environment variable's name or a file's path), never the secret.
-- Timestamps are integer microseconds (UTC).
create table sources (
    name       text primary key,
    body       text not null,
    updated_at integer not null
);

-- One template set per (scope, target): environment name, service name or deployment key.
-- `restrict`: a source in use cannot be deleted.
create table template_sets (
    scope      text not null check (scope in ('environment', 'service', 'deployment')),
    target     text not null,
    source     text not null references sources (name) on delete restrict,
    body       text not null,
    updated_at integer not null,
    primary key (scope, target)
);
create index template_sets_by_source on template_sets (source);

-- Where each pulled series was last read up to: the next pull starts there.
create table pull_marks (
    deployment_id integer not null references deployments (id) on delete cascade,
    metric        text not null,
    cohort        text not null,
    pulled_until  integer not null,
    primary key (deployment_id, metric, cohort)
) without rowid;
