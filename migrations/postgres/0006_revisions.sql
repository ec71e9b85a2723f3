-- The revision a Flagger Canary is running, as the `checksum` its webhooks send, and where that
-- revision's points begin: points after `revision_since` are the revision's own; null means
-- every point (the first revision seen for this key). Both nullable: adding them rewrites nothing.
alter table deployments add column revision text;
alter table deployments add column revision_since timestamptz;
