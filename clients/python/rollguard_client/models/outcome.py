from enum import StrEnum


class Outcome(StrEnum):
    PROMOTED = "promoted"
    ROLLED_BACK = "rolled_back"

    def __str__(self) -> str:
        return str(self.value)
