from enum import StrEnum


class StepAction(StrEnum):
    ABORT = "abort"
    HOLD = "hold"
    INCREASE = "increase"
    PROMOTE = "promote"

    def __str__(self) -> str:
        return str(self.value)
