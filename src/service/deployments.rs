//! Deployments, their points, and the points read back.

use super::{Service, ServiceError, ServiceResult};
use crate::model::{
    Cohort, Deployment, DeploymentKey, DeploymentQuery, DeploymentSpec, MetricName, Point,
    SpecError,
};
use crate::store::dedupe_points;

/// What [`Service::register`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registration {
    Created,
    Updated,
    /// The stored deployment already was as given: nothing written.
    Unchanged,
}

/// The request field a bad deployment spec is reported under.
fn registration_field(e: &SpecError) -> &'static str {
    match e {
        SpecError::Field("service") => "deployment.service",
        SpecError::Field("environment") => "deployment.environment",
        SpecError::Field("version") => "deployment.version",
        SpecError::Field(_) | SpecError::TooManyLabels => "deployment.labels",
        SpecError::Policy(_) => "deployment.policy",
    }
}

impl Service {
    /// Creates the deployment, or replaces its descriptive fields (points and verdicts are
    /// kept); `true` when it was created.
    pub async fn put_deployment(
        &self,
        key: &DeploymentKey,
        spec: &DeploymentSpec,
    ) -> ServiceResult<(Deployment, bool)> {
        spec.check()
            .map_err(|e| ServiceError::invalid("body", e.to_string()))?;
        Ok(self.store.put_deployment(key, spec).await?)
    }

    /// Makes the deployment what `spec` says, as [`Service::put_deployment`] would, but writes
    /// only when something changes: a controller that sends the same spec with every verdict
    /// costs one read of the row after the first. Used by verdict requests that carry their
    /// deployment; errors name the field under `deployment`.
    pub async fn register(
        &self,
        key: &DeploymentKey,
        spec: &DeploymentSpec,
    ) -> ServiceResult<Registration> {
        spec.check().map_err(|e| {
            let field = registration_field(&e);
            let message = match e {
                SpecError::Field(_) => format!("deployment.{e}"),
                _ => format!("{field}: {e}"),
            };
            ServiceError::invalid(field, message)
        })?;
        match self.store.deployment_spec(key).await? {
            Some(stored) if stored == *spec => Ok(Registration::Unchanged),
            _ => {
                let (_, created) = self.store.put_deployment(key, spec).await?;
                let registration = if created {
                    Registration::Created
                } else {
                    Registration::Updated
                };
                tracing::info!(deployment = %key, ?registration, "deployment registered by a verdict request");
                Ok(registration)
            }
        }
    }

    pub async fn deployment(&self, key: &DeploymentKey) -> ServiceResult<Deployment> {
        self.store
            .get_deployment(key)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no deployment '{key}'")))
    }

    /// Removes the deployment with its points and verdicts.
    pub async fn delete_deployment(&self, key: &DeploymentKey) -> ServiceResult<()> {
        if self.store.delete_deployment(key).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!("no deployment '{key}'")))
        }
    }

    /// A page of deployments, newest first, each with its row id (the next page's cursor).
    pub async fn list_deployments(
        &self,
        query: &DeploymentQuery,
    ) -> ServiceResult<Vec<(i64, Deployment)>> {
        Ok(self.store.list_deployments(query).await?)
    }

    /// Stores a validated batch atomically, creating the deployment if needed; returns how many
    /// points were stored: points of the batch with the same (metric, cohort, ts) are one point
    /// (the last of them) and count once.
    pub async fn ingest(&self, key: &DeploymentKey, points: &[Point]) -> ServiceResult<usize> {
        let accepted = dedupe_points(points).len();
        if !points.is_empty() {
            self.store.ingest(key, points).await?;
        }
        crate::telemetry::record_ingest(accepted);
        Ok(accepted)
    }

    /// The deployment's stored points, each series cut to its latest `per_series` points plus
    /// one older point when there are more (so the caller can tell a cut series).
    pub async fn read_points(
        &self,
        key: &DeploymentKey,
        metric: Option<&MetricName>,
        cohort: Option<Cohort>,
        per_series: i64,
    ) -> ServiceResult<Vec<Point>> {
        self.store
            .read_points(key, metric.map(MetricName::as_str), cohort, per_series)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no deployment '{key}'")))
    }
}
