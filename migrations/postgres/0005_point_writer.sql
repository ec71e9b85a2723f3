-- The transaction that last wrote each point (pg_current_xact_id(), 64-bit, never wraps): the
-- verdict path's series cache (src/store/series_cache.rs) asks only for the rows written since
-- its last read (`writer >= xmax or writer = any(xip)` of that read's snapshot) through this index. Null for points
-- stored before: a cache starts from a full read, which sees them.
alter table points add column writer xid8;
create index points_writer on points (deployment_id, writer);
