-- Replay runs started over HTTP (POST /v1/replays): their request, progress and result, kept so
-- the dashboard can show them after the run.
create table replays (
    id             bigint generated always as identity primary key,
    status         text not null check (status in ('running', 'done', 'failed')),
    created_at     timestamptz not null default now(),
    finished_at    timestamptz,
    policies       jsonb not null,
    progress_done  bigint not null default 0,
    progress_total bigint,
    error          text,
    result         jsonb
);
