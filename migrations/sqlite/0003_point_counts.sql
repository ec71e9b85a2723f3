-- A point's count: the number of requests behind an error_rate or latency_p99 value, or of
-- sessions behind a conversion_rate value. Optional, so null for every point stored before and
-- for points sent without one. SQLite integers are 64-bit, as Postgres's bigint.
alter table points add column count integer check (count >= 0);
