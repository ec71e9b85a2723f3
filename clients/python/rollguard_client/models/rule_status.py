from enum import StrEnum


class RuleStatus(StrEnum):
    INSUFFICIENT_DATA = "insufficient_data"
    NOT_APPLICABLE = "not_applicable"
    PASSED = "passed"
    TRIGGERED = "triggered"

    def __str__(self) -> str:
        return str(self.value)
