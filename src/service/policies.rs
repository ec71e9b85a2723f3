//! Which policy judges: built-in names first (they cannot be shadowed), then stored ones, or a
//! policy given inline; and the stored policies and environment defaults themselves.

use serde_json::Value;

use super::{Service, ServiceError, ServiceResult};
use crate::analysis::policy::{BUILTIN_NAMES, COMPARE};
use crate::analysis::{Policy, PolicyError, PolicySpec};
use crate::model::{EnvironmentName, EnvironmentPolicy, PolicyName, PolicyRecord, VerdictInputs};

/// The policy a request resolved to: its name (`inline` for one given in the request), the
/// policy itself, and the stored version (`None` for built-in and inline policies).
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub name: String,
    pub policy: Policy,
    pub version: Option<i64>,
}

impl From<PolicyRecord> for Resolved {
    fn from(record: PolicyRecord) -> Self {
        Resolved {
            version: record.stored_version(),
            name: record.name,
            policy: record.policy,
        }
    }
}

impl Service {
    /// A policy by name: built-in first, then the latest stored version. A name that breaks
    /// the naming rule is simply unknown: no policy is stored under it.
    pub async fn policy(&self, name: &str) -> ServiceResult<Option<PolicyRecord>> {
        if let Some(policy) = Policy::builtin(name) {
            return Ok(Some(PolicyRecord::builtin(name, policy)));
        }
        let Ok(name) = PolicyName::parse(name) else {
            return Ok(None);
        };
        Ok(self.store.get_policy(name.as_str()).await?)
    }

    /// Like [`Service::policy`], but an unknown name is [`PolicyError::Unknown`].
    pub async fn require_policy(&self, name: &str) -> ServiceResult<PolicyRecord> {
        self.policy(name)
            .await?
            .ok_or_else(|| PolicyError::Unknown(name.to_string()).into())
    }

    /// A request's policy: a name (built-in or stored) or an inline policy object.
    pub async fn resolve(&self, spec: &PolicySpec) -> ServiceResult<Resolved> {
        match spec {
            PolicySpec::Name(name) => Ok(self.require_policy(name).await?.into()),
            PolicySpec::Inline(_) => {
                let (name, policy) = spec.resolve(|_| None)?;
                Ok(Resolved {
                    name,
                    policy,
                    version: None,
                })
            }
        }
    }

    /// The policy for a stored deployment: the request's, else the deployment's own, else its
    /// environment's default (both read with the deployment, in `inputs`), else `compare`.
    pub(super) async fn resolve_for_deployment(
        &self,
        requested: Option<&PolicySpec>,
        inputs: Option<&VerdictInputs>,
    ) -> ServiceResult<Resolved> {
        if let Some(requested) = requested {
            return self.resolve(requested).await;
        }
        let name = inputs
            .and_then(|i| i.policy_name.as_deref())
            .unwrap_or(COMPARE);
        if let Some(policy) = Policy::builtin(name) {
            return Ok(PolicyRecord::builtin(name, policy).into());
        }
        match inputs.and_then(|i| i.stored_policy.clone()) {
            Some(record) => Ok(record.into()),
            None => Err(PolicyError::Unknown(name.to_string()).into()),
        }
    }

    /// Built-in policies first, then the latest version of each stored one.
    pub async fn list_policies(&self) -> ServiceResult<Vec<PolicyRecord>> {
        let mut policies: Vec<PolicyRecord> = BUILTIN_NAMES
            .iter()
            .filter_map(|n| Policy::builtin(n).map(|p| PolicyRecord::builtin(n, p)))
            .collect();
        policies.extend(self.store.list_policies().await?);
        Ok(policies)
    }

    /// Stores a new version of a policy from a full or partial policy object (fields left out
    /// take the `seed` defaults). Built-in names are read-only.
    pub async fn put_policy(&self, name: &PolicyName, body: &Value) -> ServiceResult<PolicyRecord> {
        if BUILTIN_NAMES.contains(&name.as_str()) {
            return Err(ServiceError::PolicyReadOnly(name.clone()));
        }
        let policy = Policy::from_partial_json(body)?;
        Ok(self.store.put_policy(name.as_str(), &policy).await?)
    }

    pub async fn list_environments(&self) -> ServiceResult<Vec<EnvironmentPolicy>> {
        Ok(self.store.list_environment_policies().await?)
    }

    pub async fn environment(&self, name: &EnvironmentName) -> ServiceResult<EnvironmentPolicy> {
        self.store
            .get_environment_policy(name.as_str())
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!("no default policy for environment '{name}'"))
            })
    }

    /// Sets an environment's default policy, which must exist.
    pub async fn set_environment(
        &self,
        name: &EnvironmentName,
        policy: &PolicyName,
    ) -> ServiceResult<EnvironmentPolicy> {
        self.require_policy(policy.as_str()).await?;
        Ok(self
            .store
            .put_environment_policy(name.as_str(), policy.as_str())
            .await?)
    }
}
