-- Retention (issue 18, `--retention`) removes verdicts older than the limit in batches, oldest
-- first. Points get no such index: each one costs ingest, and retention finds old points with a
-- scan on a read connection, which blocks no writer.
create index verdicts_evaluated_at on verdicts (evaluated_at);
