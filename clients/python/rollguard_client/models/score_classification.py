from enum import StrEnum


class ScoreClassification(StrEnum):
    FAIL = "Fail"
    MARGINAL = "Marginal"
    PASS = "Pass"

    def __str__(self) -> str:
        return str(self.value)
