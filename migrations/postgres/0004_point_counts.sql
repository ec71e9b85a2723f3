-- A point's count: the number of requests behind an error_rate or latency_p99 value, or of
-- sessions behind a conversion_rate value. Optional, so null for every point stored before and
-- for points sent without one. bigint: the API accepts counts up to 2^63 - 1.
alter table points add column count bigint;
-- `not valid`: every existing row holds null, which passes, so there is nothing to check; a
-- validated constraint would scan the whole points table while the alter holds its exclusive
-- lock. New and updated rows are checked all the same.
alter table points add constraint points_count_non_negative check (count >= 0) not valid;
