from enum import StrEnum


class Decision(StrEnum):
    INCONCLUSIVE = "inconclusive"
    PASS = "pass"
    ROLLBACK = "rollback"

    def __str__(self) -> str:
        return str(self.value)
