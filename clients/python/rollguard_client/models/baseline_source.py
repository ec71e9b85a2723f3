from enum import StrEnum


class BaselineSource(StrEnum):
    BASELINE_COHORT = "baseline_cohort"
    EXPLICIT = "explicit"
    PRE = "pre"

    def __str__(self) -> str:
        return str(self.value)
