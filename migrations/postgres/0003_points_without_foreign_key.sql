-- Ingest measured (benches/ingest_vs_copy.sh): Postgres checked the points → deployments foreign
-- key on every inserted row, which cost more than half the insert rate, although ingest has
-- just looked up or created the deployment in the same transaction. Nothing deletes
-- deployments, so the key protected nothing the code does not already ensure.
alter table points drop constraint points_deployment_id_fkey;
