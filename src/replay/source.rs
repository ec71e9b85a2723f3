//! Replaying the deployments in the store: the list of matching deployments is read first (so
//! the total is known for progress), then one deployment's series at a time.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Deserialize;
use utoipa::ToSchema;

use super::ReplayDeployment;
use crate::analysis::metric::JUDGED_METRICS;
use crate::model::{Deployment, DeploymentKey, DeploymentQuery, Timestamp, series_observations};
use crate::store::{Store, StoreError, StoreResult};

/// Which stored deployments to replay.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreFilter {
    pub service: Option<String>,
    pub environment: Option<String>,
    /// Only deployments started (or, without a start time, created) at or after this time.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub since: Option<Timestamp>,
    /// Only deployments started (or created) before this time.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
}

/// The stored deployments matching a filter, newest first, read one at a time.
pub struct StoreSource {
    store: Arc<dyn Store>,
    pending: VecDeque<Deployment>,
    total: usize,
}

impl StoreSource {
    /// Lists the matching deployments (metadata only).
    pub async fn list(store: Arc<dyn Store>, filter: &StoreFilter) -> StoreResult<Self> {
        let mut query = DeploymentQuery {
            service: filter.service.clone(),
            environment: filter.environment.clone(),
            limit: 500,
            ..Default::default()
        };
        let mut pending = VecDeque::new();
        loop {
            let page = store.list_deployments(&query).await?;
            let Some((last_id, _)) = page.last() else {
                break;
            };
            query.before_id = Some(*last_id);
            pending.extend(page.into_iter().map(|(_, d)| d).filter(|d| {
                let started = d.spec.started_at.unwrap_or(d.created_at);
                filter.since.is_none_or(|s| started >= s.get())
                    && filter.until.is_none_or(|u| started < u.get())
            }));
        }
        let total = pending.len();
        Ok(StoreSource {
            store,
            pending,
            total,
        })
    }

    /// How many deployments the filter matched.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The next deployment with its series, or `None` when all were read.
    pub async fn next(&mut self) -> Option<StoreResult<ReplayDeployment>> {
        let d = self.pending.pop_front()?;
        Some(self.load(d).await)
    }

    async fn load(&self, d: Deployment) -> StoreResult<ReplayDeployment> {
        let key = DeploymentKey::parse(&d.key).map_err(StoreError::Corrupt)?;
        let series = self
            .store
            .verdict_inputs(&key, &JUDGED_METRICS, None)
            .await?
            .map(|inputs| inputs.series)
            .unwrap_or_default();
        Ok(ReplayDeployment {
            key: d.key,
            outcome: d.spec.outcome,
            started_at: d.spec.started_at,
            onset_step: None,
            obs: series_observations(series),
        })
    }
}
