-- The revision a Flagger Canary is running, as the `checksum` its webhooks send, and where that
-- revision's points begin: points after `revision_since` (microseconds, like every ts here) are
-- the revision's own; null means every point (the first revision seen for this key).
alter table deployments add column revision text;
alter table deployments add column revision_since integer;
