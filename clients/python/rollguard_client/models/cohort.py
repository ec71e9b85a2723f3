from enum import StrEnum


class Cohort(StrEnum):
    BASELINE = "baseline"
    CANARY = "canary"
    PRE = "pre"

    def __str__(self) -> str:
        return str(self.value)
