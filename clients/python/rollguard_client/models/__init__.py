"""Contains all the data models used in inputs/outputs"""

from .baseline_source import BaselineSource
from .baseline_values import BaselineValues
from .cohort import Cohort
from .cohort_series import CohortSeries
from .cohort_series_baseline import CohortSeriesBaseline
from .cohort_series_pre import CohortSeriesPre
from .comparison import Comparison
from .confusion import Confusion
from .conversion_compare import ConversionCompare
from .conversion_params import ConversionParams
from .decision import Decision
from .deployment import Deployment
from .deployment_labels import DeploymentLabels
from .deployment_page import DeploymentPage
from .deployment_result import DeploymentResult
from .deployment_result_results import DeploymentResultResults
from .deployment_spec import DeploymentSpec
from .deployment_spec_labels import DeploymentSpecLabels
from .environment_list import EnvironmentList
from .environment_policy import EnvironmentPolicy
from .environment_request import EnvironmentRequest
from .error_body import ErrorBody
from .error_detail import ErrorDetail
from .error_rate_compare import ErrorRateCompare
from .error_rate_params import ErrorRateParams
from .evaluation_document import EvaluationDocument
from .evaluation_document_metrics import EvaluationDocumentMetrics
from .flagger_payload import FlaggerPayload
from .flagger_payload_metadata import FlaggerPayloadMetadata
from .gate_options import GateOptions
from .health import Health
from .ingest_request import IngestRequest
from .ingest_response import IngestResponse
from .latency_compare import LatencyCompare
from .latency_params import LatencyParams
from .method import Method
from .outcome import Outcome
from .partial_policy import PartialPolicy
from .partial_policy_extends import PartialPolicyExtends
from .partial_policy_gate import PartialPolicyGate
from .partial_policy_rules import PartialPolicyRules
from .partial_policy_rules_conversion import PartialPolicyRulesConversion
from .partial_policy_rules_conversion_compare_type_0 import PartialPolicyRulesConversionCompareType0
from .partial_policy_rules_conversion_persistence_type_0 import PartialPolicyRulesConversionPersistenceType0
from .partial_policy_rules_error_rate import PartialPolicyRulesErrorRate
from .partial_policy_rules_error_rate_compare_type_0 import PartialPolicyRulesErrorRateCompareType0
from .partial_policy_rules_error_rate_persistence_type_0 import PartialPolicyRulesErrorRatePersistenceType0
from .partial_policy_rules_latency import PartialPolicyRulesLatency
from .partial_policy_rules_latency_compare_type_0 import PartialPolicyRulesLatencyCompareType0
from .partial_policy_rules_latency_persistence_type_0 import PartialPolicyRulesLatencyPersistenceType0
from .persistence import Persistence
from .point_input import PointInput
from .policy import Policy
from .policy_list import PolicyList
from .policy_outcome import PolicyOutcome
from .policy_record import PolicyRecord
from .policy_summary import PolicySummary
from .recommendation import Recommendation
from .replay_list import ReplayList
from .replay_progress import ReplayProgress
from .replay_record import ReplayRecord
from .replay_report import ReplayReport
from .replay_report_summary import ReplayReportSummary
from .replay_request import ReplayRequest
from .replay_status import ReplayStatus
from .rule_name import RuleName
from .rule_outcome import RuleOutcome
from .rule_report import RuleReport
from .rule_status import RuleStatus
from .rules import Rules
from .series_list import SeriesList
from .step_action import StepAction
from .store_filter import StoreFilter
from .stored_point import StoredPoint
from .stored_series import StoredSeries
from .stored_verdict import StoredVerdict
from .time_to_detect import TimeToDetect
from .timed_point import TimedPoint
from .verdict import Verdict
from .verdict_page import VerdictPage
from .verdict_request import VerdictRequest

__all__ = (
    "BaselineSource",
    "BaselineValues",
    "Cohort",
    "CohortSeries",
    "CohortSeriesBaseline",
    "CohortSeriesPre",
    "Comparison",
    "Confusion",
    "ConversionCompare",
    "ConversionParams",
    "Decision",
    "Deployment",
    "DeploymentLabels",
    "DeploymentPage",
    "DeploymentResult",
    "DeploymentResultResults",
    "DeploymentSpec",
    "DeploymentSpecLabels",
    "EnvironmentList",
    "EnvironmentPolicy",
    "EnvironmentRequest",
    "ErrorBody",
    "ErrorDetail",
    "ErrorRateCompare",
    "ErrorRateParams",
    "EvaluationDocument",
    "EvaluationDocumentMetrics",
    "FlaggerPayload",
    "FlaggerPayloadMetadata",
    "GateOptions",
    "Health",
    "IngestRequest",
    "IngestResponse",
    "LatencyCompare",
    "LatencyParams",
    "Method",
    "Outcome",
    "PartialPolicy",
    "PartialPolicyExtends",
    "PartialPolicyGate",
    "PartialPolicyRules",
    "PartialPolicyRulesConversion",
    "PartialPolicyRulesConversionCompareType0",
    "PartialPolicyRulesConversionPersistenceType0",
    "PartialPolicyRulesErrorRate",
    "PartialPolicyRulesErrorRateCompareType0",
    "PartialPolicyRulesErrorRatePersistenceType0",
    "PartialPolicyRulesLatency",
    "PartialPolicyRulesLatencyCompareType0",
    "PartialPolicyRulesLatencyPersistenceType0",
    "Persistence",
    "PointInput",
    "Policy",
    "PolicyList",
    "PolicyOutcome",
    "PolicyRecord",
    "PolicySummary",
    "Recommendation",
    "ReplayList",
    "ReplayProgress",
    "ReplayRecord",
    "ReplayReport",
    "ReplayReportSummary",
    "ReplayRequest",
    "ReplayStatus",
    "RuleName",
    "RuleOutcome",
    "RuleReport",
    "Rules",
    "RuleStatus",
    "SeriesList",
    "StepAction",
    "StoredPoint",
    "StoredSeries",
    "StoredVerdict",
    "StoreFilter",
    "TimedPoint",
    "TimeToDetect",
    "Verdict",
    "VerdictPage",
    "VerdictRequest",
)
