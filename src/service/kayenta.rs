//! Spinnaker Kayenta's remote judge: which policy judges a `RemoteJudgeRequest`, and the
//! judging itself (`analysis::kayenta`). Nothing is stored: Kayenta keeps the request and the
//! result with its canary execution, and the answer is a function of the request alone.

use super::{Service, ServiceResult};
use crate::analysis::PolicySpec;
use crate::analysis::kayenta::{self, CanaryJudgeResult, RemoteJudgeRequest};
use crate::analysis::policy::COMPARE;

impl Service {
    /// Judges a request with the policy its canary config names in
    /// `judge.judgeConfigurations.policy` (a name or an inline policy), else `compare`.
    pub async fn kayenta_judge(
        &self,
        request: &RemoteJudgeRequest,
    ) -> ServiceResult<CanaryJudgeResult> {
        let spec = request
            .canary_config
            .judge
            .judge_configurations
            .policy
            .clone()
            .unwrap_or_else(|| PolicySpec::Name(COMPARE.into()));
        let resolved = self.resolve(&spec).await?;
        let (result, verdict) = kayenta::judge(request, &resolved.name, &resolved.policy)?;
        crate::telemetry::record_verdict(&verdict);
        Ok(result)
    }
}
