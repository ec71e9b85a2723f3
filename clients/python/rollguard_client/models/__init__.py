"""Contains all the data models used in inputs/outputs"""

from .analysis_configurations import AnalysisConfigurations
from .auth_kind import AuthKind
from .baseline_source import BaselineSource
from .baseline_values import BaselineValues
from .canary_analysis import CanaryAnalysis
from .canary_analysis_result import CanaryAnalysisResult
from .canary_analysis_result_tags import CanaryAnalysisResultTags
from .canary_config import CanaryConfig
from .canary_judge_group_score import CanaryJudgeGroupScore
from .canary_judge_result import CanaryJudgeResult
from .canary_judge_score import CanaryJudgeScore
from .canary_metric_config import CanaryMetricConfig
from .classifier_config import ClassifierConfig
from .cohort import Cohort
from .cohort_series import CohortSeries
from .cohort_series_baseline import CohortSeriesBaseline
from .cohort_series_pre import CohortSeriesPre
from .comparison import Comparison
from .confusion import Confusion
from .conversion_compare import ConversionCompare
from .conversion_params import ConversionParams
from .decision import Decision
from .delete_template_scope import DeleteTemplateScope
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
from .from_prometheus import FromPrometheus
from .gate_options import GateOptions
from .get_template_scope import GetTemplateScope
from .health import Health
from .ingest_request import IngestRequest
from .ingest_response import IngestResponse
from .judge_config import JudgeConfig
from .judge_configurations import JudgeConfigurations
from .judge_verdict import JudgeVerdict
from .kayenta_mapping import KayentaMapping
from .latency_compare import LatencyCompare
from .latency_params import LatencyParams
from .method import Method
from .metric_classification import MetricClassification
from .metric_mapping import MetricMapping
from .metric_query import MetricQuery
from .metric_set_pair import MetricSetPair
from .metric_set_pair_tags_type_0 import MetricSetPairTagsType0
from .metric_set_scope import MetricSetScope
from .outcome import Outcome
from .pair_scopes import PairScopes
from .pair_values import PairValues
from .pair_values_control_type_0_item_type_1 import PairValuesControlType0ItemType1
from .pair_values_experiment_type_0_item_type_1 import PairValuesExperimentType0ItemType1
from .partial_policy import PartialPolicy
from .partial_policy_extends import PartialPolicyExtends
from .partial_policy_gate import PartialPolicyGate
from .partial_policy_kayenta import PartialPolicyKayenta
from .partial_policy_kayenta_conversion import PartialPolicyKayentaConversion
from .partial_policy_kayenta_error_rate import PartialPolicyKayentaErrorRate
from .partial_policy_kayenta_latency import PartialPolicyKayentaLatency
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
from .prometheus_deployment import PrometheusDeployment
from .prometheus_deployment_labels import PrometheusDeploymentLabels
from .pull_report import PullReport
from .pull_status import PullStatus
from .pulled_series import PulledSeries
from .put_template_scope import PutTemplateScope
from .recommendation import Recommendation
from .remote_judge_request import RemoteJudgeRequest
from .replay_list import ReplayList
from .replay_progress import ReplayProgress
from .replay_record import ReplayRecord
from .replay_report import ReplayReport
from .replay_report_summary import ReplayReportSummary
from .replay_request import ReplayRequest
from .replay_status import ReplayStatus
from .result_metadata import ResultMetadata
from .rule_name import RuleName
from .rule_outcome import RuleOutcome
from .rule_report import RuleReport
from .rule_status import RuleStatus
from .rules import Rules
from .score_classification import ScoreClassification
from .score_thresholds import ScoreThresholds
from .series_list import SeriesList
from .series_metadata import SeriesMetadata
from .source import Source
from .source_auth import SourceAuth
from .source_list import SourceList
from .source_spec import SourceSpec
from .stats import Stats
from .step_action import StepAction
from .store_filter import StoreFilter
from .stored_point import StoredPoint
from .stored_series import StoredSeries
from .stored_verdict import StoredVerdict
from .template_scope import TemplateScope
from .template_set import TemplateSet
from .template_set_list import TemplateSetList
from .template_set_metrics import TemplateSetMetrics
from .template_set_metrics_additional_property import TemplateSetMetricsAdditionalProperty
from .template_set_spec import TemplateSetSpec
from .template_set_spec_metrics import TemplateSetSpecMetrics
from .template_set_spec_metrics_additional_property import TemplateSetSpecMetricsAdditionalProperty
from .time_to_detect import TimeToDetect
from .timed_point import TimedPoint
from .verdict import Verdict
from .verdict_page import VerdictPage
from .verdict_request import VerdictRequest

__all__ = (
    "AnalysisConfigurations",
    "AuthKind",
    "BaselineSource",
    "BaselineValues",
    "CanaryAnalysis",
    "CanaryAnalysisResult",
    "CanaryAnalysisResultTags",
    "CanaryConfig",
    "CanaryJudgeGroupScore",
    "CanaryJudgeResult",
    "CanaryJudgeScore",
    "CanaryMetricConfig",
    "ClassifierConfig",
    "Cohort",
    "CohortSeries",
    "CohortSeriesBaseline",
    "CohortSeriesPre",
    "Comparison",
    "Confusion",
    "ConversionCompare",
    "ConversionParams",
    "Decision",
    "DeleteTemplateScope",
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
    "FromPrometheus",
    "GateOptions",
    "GetTemplateScope",
    "Health",
    "IngestRequest",
    "IngestResponse",
    "JudgeConfig",
    "JudgeConfigurations",
    "JudgeVerdict",
    "KayentaMapping",
    "LatencyCompare",
    "LatencyParams",
    "Method",
    "MetricClassification",
    "MetricMapping",
    "MetricQuery",
    "MetricSetPair",
    "MetricSetPairTagsType0",
    "MetricSetScope",
    "Outcome",
    "PairScopes",
    "PairValues",
    "PairValuesControlType0ItemType1",
    "PairValuesExperimentType0ItemType1",
    "PartialPolicy",
    "PartialPolicyExtends",
    "PartialPolicyGate",
    "PartialPolicyKayenta",
    "PartialPolicyKayentaConversion",
    "PartialPolicyKayentaErrorRate",
    "PartialPolicyKayentaLatency",
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
    "PrometheusDeployment",
    "PrometheusDeploymentLabels",
    "PulledSeries",
    "PullReport",
    "PullStatus",
    "PutTemplateScope",
    "Recommendation",
    "RemoteJudgeRequest",
    "ReplayList",
    "ReplayProgress",
    "ReplayRecord",
    "ReplayReport",
    "ReplayReportSummary",
    "ReplayRequest",
    "ReplayStatus",
    "ResultMetadata",
    "RuleName",
    "RuleOutcome",
    "RuleReport",
    "Rules",
    "RuleStatus",
    "ScoreClassification",
    "ScoreThresholds",
    "SeriesList",
    "SeriesMetadata",
    "Source",
    "SourceAuth",
    "SourceList",
    "SourceSpec",
    "Stats",
    "StepAction",
    "StoredPoint",
    "StoredSeries",
    "StoredVerdict",
    "StoreFilter",
    "TemplateScope",
    "TemplateSet",
    "TemplateSetList",
    "TemplateSetMetrics",
    "TemplateSetMetricsAdditionalProperty",
    "TemplateSetSpec",
    "TemplateSetSpecMetrics",
    "TemplateSetSpecMetricsAdditionalProperty",
    "TimedPoint",
    "TimeToDetect",
    "Verdict",
    "VerdictPage",
    "VerdictRequest",
)
