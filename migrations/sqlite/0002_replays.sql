-- Replay runs started over HTTP (POST /v1/replays): request, progress and result.
create table replays (
    id             integer primary key autoincrement,
    status         text not null check (status in ('running', 'done', 'failed')),
    created_at     integer not null,
    finished_at    integer,
    policies       text not null,
    progress_done  integer not null default 0,
    progress_total integer,
    error          text,
    result         text
);
