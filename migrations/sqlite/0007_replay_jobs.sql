-- Replays held with a lease (issue 18); see the Postgres migration 0009. SQLite serves one
-- process, so no other replica claims a lapsed lease here: the columns keep one schema for both
-- stores and carry a cancel to the running replay. `lease_until` is in microseconds since the
-- epoch, like every SQLite time here.
alter table replays add column request text;
alter table replays add column owner text;
alter table replays add column lease_until integer;
alter table replays add column runs integer not null default 1;
alter table replays add column cancel_requested integer not null default 0;
