//! Postgres: the daily partitions of `points` (migration 0007), created ahead of the data and
//! dropped whole by retention, and retention's other steps (old rows of the default partition,
//! old verdicts, deployments left empty).
//!
//! Locks. Creating a day's partition attaches a table built aside (the parent keeps taking
//! reads and writes: `attach` takes `share update exclusive` on it) but holds the default
//! partition exclusively while it checks that none of its rows fall in the new day. Dropping a
//! day detaches it, which holds the parent exclusively. Every such step sets `lock_timeout` to
//! [`LOCK_WAIT_MS`]: statements that arrive while it waits queue behind it, so it gives up
//! rather than hold them longer, and the next sweep tries again. Once granted, both are catalog
//! changes of a few milliseconds.
//!
//! Counts. Each deployment's `point_count` (migration 0010) loses the points retention removes,
//! in the transaction that removes them. Dropping a day first locks that partition against
//! writes (`share`: ingest into other days goes on) and counts its points per deployment, then
//! detaches it, which waits for every ingest in progress: ingest adds to a count only inside a
//! transaction that holds the parent. The default partition's old rows are deleted under the
//! advisory locks of their deployments, taken exclusively, as a delete takes them, so that no
//! ingest is between its two passes over them (`PgStore::ingest_once`). Each deployment row is
//! updated after the points, as ingest updates it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::PgPool;

use super::{LOCK_WAIT_MS, Removed, StoreResult};

/// Partitions exist from today to this many days ahead (the migration creates the same).
pub const DAYS_AHEAD: u64 = 8;

/// `points_pYYYYMMDD`: the partition of one UTC day.
fn name(day: NaiveDate) -> String {
    format!("points_p{}", day.format("%Y%m%d"))
}

/// The day a partition's name stands for; `None` for the default partition and anything else.
fn day_of(name: &str) -> Option<NaiveDate> {
    let digits = name.strip_prefix("points_p")?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

/// A day's start as a literal for a partition bound (DDL takes no parameters).
fn bound(day: NaiveDate) -> String {
    format!("'{} 00:00:00+00'", day.format("%Y-%m-%d"))
}

fn start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The days that have a partition, oldest first.
pub async fn days(pool: &PgPool) -> StoreResult<Vec<NaiveDate>> {
    let names: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'points'::regclass",
    )
    .fetch_all(pool)
    .await?;
    let mut days: Vec<NaiveDate> = names.iter().filter_map(|n| day_of(n)).collect();
    days.sort_unstable();
    Ok(days)
}

async fn lock_timeout(tx: &mut sqlx::PgConnection) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "set local lock_timeout = '{LOCK_WAIT_MS}ms'"
    )))
    .execute(tx)
    .await?;
    Ok(())
}

/// Serialises the creation and the dropping of partitions across replicas (each runs the same
/// maintenance), then tells whether `table` exists now: a replica that waited finds the work
/// done. The two-key advisory lock space is apart from the deployments' (one bigint key each).
async fn exclusive(tx: &mut sqlx::PgConnection, table: &str) -> StoreResult<bool> {
    sqlx::query("select pg_advisory_xact_lock(hashtext('rollguard.partitions'), 0)")
        .execute(&mut *tx)
        .await?;
    Ok(sqlx::query_scalar("select to_regclass($1) is not null")
        .bind(table)
        .fetch_one(&mut *tx)
        .await?)
}

/// Creates the partitions of `today` and the [`DAYS_AHEAD`] days after it that are missing;
/// returns how many.
pub async fn prepare(pool: &PgPool, today: NaiveDate) -> StoreResult<u64> {
    let have = days(pool).await?;
    let mut created = 0;
    for ahead in 0..=DAYS_AHEAD {
        let Some(day) = today.checked_add_days(Days::new(ahead)) else {
            break;
        };
        if !have.contains(&day) {
            create(pool, day).await?;
            created += 1;
        }
    }
    Ok(created)
}

/// Creates one day's partition: built aside, filled with that day's rows from the default
/// partition (points sent for that day before it existed), then attached.
async fn create(pool: &PgPool, day: NaiveDate) -> StoreResult<()> {
    let Some(next) = day.succ_opt() else {
        return Ok(()); // the last representable day stays in the default partition
    };
    let table = name(day);
    let mut tx = pool.begin().await?;
    lock_timeout(&mut tx).await?;
    if exclusive(&mut tx, &table).await? {
        return Ok(()); // made meanwhile by another replica
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "create table {table} (like points including defaults including constraints)"
    )))
    .execute(&mut *tx)
    .await?;
    // The rows keep their `writer`: the verdict cache holds them already, unchanged.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "with moved as (
             delete from points_default where ts >= $1 and ts < $2
             returning deployment_id, metric, cohort, ts, value, count, writer)
         insert into {table} (deployment_id, metric, cohort, ts, value, count, writer)
         select * from moved"
    )))
    .bind(start(day))
    .bind(start(next))
    .execute(&mut *tx)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "alter table points attach partition {table} for values from ({}) to ({})",
        bound(day),
        bound(next)
    )))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One retention step (see [`super::Store::sweep_step`]): the oldest partition wholly before
/// `cutoff`, else a batch of the default partition's points before it, else a batch of
/// verdicts, else a batch of deployments left with neither.
pub async fn sweep_step(pool: &PgPool, cutoff: DateTime<Utc>, batch: i64) -> StoreResult<Removed> {
    if let Some(&day) = days(pool).await?.first()
        && day.succ_opt().is_some_and(|next| start(next) <= cutoff)
    {
        return drop_day(pool, day).await;
    }
    let points = delete_default_points(pool, cutoff, batch).await?;
    if points > 0 {
        return Ok(Removed {
            points,
            ..Removed::default()
        });
    }
    let verdicts = delete_old_verdicts(pool, cutoff, batch).await?;
    if verdicts > 0 {
        return Ok(Removed {
            verdicts,
            ..Removed::default()
        });
    }
    let deployments = delete_empty_deployments(pool, cutoff, batch).await?;
    Ok(Removed {
        deployments,
        ..Removed::default()
    })
}

/// Detaches and drops one day's partition, taking its points off their deployments' counts.
/// The count per deployment is made before the detach, under a `share` lock on the partition
/// alone: writes to that day wait (it is older than the retention limit: seldom any), others go
/// on. The detach then holds the parent for the count updates and the drop only.
async fn drop_day(pool: &PgPool, day: NaiveDate) -> StoreResult<Removed> {
    let table = name(day);
    let mut tx = pool.begin().await?;
    lock_timeout(&mut tx).await?;
    if !exclusive(&mut tx, &table).await? {
        return Ok(Removed::default()); // dropped meanwhile by another replica
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "lock table {table} in share mode"
    )))
    .execute(&mut *tx)
    .await?;
    let counts: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select deployment_id, count(*) from {table} group by deployment_id order by deployment_id"
    )))
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "alter table points detach partition {table}"
    )))
    .execute(&mut *tx)
    .await?;
    let (ids, removed): (Vec<i64>, Vec<i64>) = counts.into_iter().unzip();
    take_off_counts(&mut tx, &ids, &removed).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("drop table {table}")))
        .execute(&mut *tx)
        .await?;
    bump_epoch(&mut tx).await?;
    tx.commit().await?;
    Ok(Removed {
        points: removed.iter().map(|&n| u64::try_from(n).unwrap_or(0)).sum(),
        partitions: 1,
        ..Removed::default()
    })
}

/// Takes `removed[i]` points off deployment `ids[i]`'s count (ids in ascending order, the order
/// every writer of several deployment rows locks them in). Deployments deleted meanwhile are
/// gone with their counts.
async fn take_off_counts(
    tx: &mut sqlx::PgConnection,
    ids: &[i64],
    removed: &[i64],
) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    lock_rows(&mut *tx, ids).await?;
    sqlx::query(
        "update deployments d set point_count = d.point_count - r.n
         from unnest($1::int8[], $2::int8[]) as r (id, n) where d.id = r.id",
    )
    .bind(ids)
    .bind(removed)
    .execute(tx)
    .await?;
    Ok(())
}

/// Locks the rows of deployments `ids` in ascending order, as the verdict writer does: an update
/// or delete of several rows locks them in whatever order its plan reads them.
async fn lock_rows(tx: &mut sqlx::PgConnection, ids: &[i64]) -> StoreResult<()> {
    sqlx::query("select from deployments where id = any($1) order by id for no key update")
        .bind(ids)
        .execute(tx)
        .await?;
    Ok(())
}

/// Takes the advisory locks of deployments `ids` exclusively, in ascending order (see
/// `PgStore::ingest_once`).
async fn lock_deployments(tx: &mut sqlx::PgConnection, ids: &[i64]) -> StoreResult<()> {
    sqlx::query(
        "select pg_advisory_xact_lock(id) from (select unnest($1::int8[]) as id order by 1) s",
    )
    .bind(ids)
    .execute(tx)
    .await?;
    Ok(())
}

/// Tells every verdict cache that points were removed (see `series_cache.rs`), in the
/// transaction that removes them.
async fn bump_epoch(tx: &mut sqlx::PgConnection) -> StoreResult<()> {
    sqlx::query("update points_epoch set epoch = epoch + 1")
        .execute(tx)
        .await?;
    Ok(())
}

/// A batch of the default partition's points before `cutoff` (times outside every day's
/// partition: the distant past or future, or days before their partition was created), taken
/// off their deployments' counts.
async fn delete_default_points(
    pool: &PgPool,
    cutoff: DateTime<Utc>,
    batch: i64,
) -> StoreResult<u64> {
    let mut tx = pool.begin().await?;
    lock_timeout(&mut tx).await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "select distinct deployment_id from (
             select deployment_id from points_default where ts < $1 limit $2) old
         order by 1",
    )
    .bind(cutoff)
    .bind(batch)
    .fetch_all(&mut *tx)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    lock_deployments(&mut tx, &ids).await?;
    // Chosen again under the locks: an ingest that held one may have replaced rows since.
    let removed: Vec<(i64, i64)> = sqlx::query_as(
        "with gone as (
             delete from points_default where ctid = any(array(
                 select ctid from points_default
                 where ts < $1 and deployment_id = any($3) limit $2))
             returning deployment_id)
         select deployment_id, count(*) from gone group by 1 order by 1",
    )
    .bind(cutoff)
    .bind(batch)
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    let (ids, counts): (Vec<i64>, Vec<i64>) = removed.into_iter().unzip();
    take_off_counts(&mut tx, &ids, &counts).await?;
    let removed: i64 = counts.iter().sum();
    if removed > 0 {
        bump_epoch(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(u64::try_from(removed).unwrap_or(0))
}

/// A batch of the oldest verdicts evaluated before `cutoff`. A deployment whose latest verdict
/// goes gets the newest one left (or none) as its latest. The deployments' rows are locked
/// first, in id order, as the verdict writer locks them before it adds verdicts, so that
/// none is added between the delete and the look for the newest one left.
async fn delete_old_verdicts(pool: &PgPool, cutoff: DateTime<Utc>, batch: i64) -> StoreResult<u64> {
    let old: Vec<(i64, i64)> = sqlx::query_as(
        "select id, deployment_id from verdicts where evaluated_at < $1
         order by evaluated_at limit $2",
    )
    .bind(cutoff)
    .bind(batch)
    .fetch_all(pool)
    .await?;
    if old.is_empty() {
        return Ok(0);
    }
    let (ids, mut deployments): (Vec<i64>, Vec<i64>) = old.into_iter().unzip();
    deployments.sort_unstable();
    deployments.dedup();
    let mut tx = pool.begin().await?;
    lock_timeout(&mut tx).await?;
    lock_rows(&mut tx, &deployments).await?;
    let removed = sqlx::query("delete from verdicts where id = any($1)")
        .bind(&ids)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // A new statement: its snapshot sees the delete.
    sqlx::query(
        "update deployments d
         set (latest_verdict_id, latest_verdict, latest_verdict_at, latest_verdict_policy) = (
             select v.id, v.verdict, v.evaluated_at, v.policy from verdicts v
             where v.deployment_id = d.id order by v.id desc limit 1)
         where d.id = any($1) and d.latest_verdict_id = any($2)",
    )
    .bind(&deployments)
    .bind(&ids)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(removed)
}

/// A batch of deployments last changed before `cutoff` that have neither points nor verdicts
/// left. Each is locked as a delete locks it (`PgStore::delete_deployment`), so an ingest
/// racing the removal either commits first, and the deployment stays, or finds it gone and
/// creates it anew.
async fn delete_empty_deployments(
    pool: &PgPool,
    cutoff: DateTime<Utc>,
    batch: i64,
) -> StoreResult<u64> {
    // The count and the latest verdict rule most deployments out without a look into every
    // partition, and they are on the row, which the delete checks again if a writer changed it
    // meanwhile (the subqueries read the statement's snapshot); the looks stay, so that a
    // wrong count never removes a deployment that has points.
    const EMPTY: &str = "d.updated_at < $1 and d.point_count = 0 and d.latest_verdict_id is null
         and not exists (select from points p where p.deployment_id = d.id)
         and not exists (select from verdicts v where v.deployment_id = d.id)";
    let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select d.id from deployments d where {EMPTY} order by d.id limit $2"
    )))
    .bind(cutoff)
    .bind(batch)
    .fetch_all(pool)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let mut tx = pool.begin().await?;
    lock_timeout(&mut tx).await?;
    lock_deployments(&mut tx, &ids).await?;
    lock_rows(&mut tx, &ids).await?;
    // Checked again: the lock waited for ingests that saw the rows, and this statement's
    // snapshot sees what they committed.
    let removed: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "delete from deployments d where d.id = any($2) and {EMPTY} returning d.id"
    )))
    .bind(cutoff)
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    // Their days, left wider than their (no) points by the partitions dropped before.
    sqlx::query("delete from point_days where deployment_id = any($1)")
        .bind(&removed)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(removed.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_others_are_not_days() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(name(day), "points_p20261201");
        assert_eq!(day_of(&name(day)), Some(day));
        let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        assert_eq!(day_of(&name(first)), Some(first));
        for other in [
            "points_default",
            "points_p2026120",
            "points_p20261301",
            "points",
        ] {
            assert_eq!(day_of(other), None, "{other}");
        }
        assert_eq!(bound(day), "'2026-12-01 00:00:00+00'");
    }
}
