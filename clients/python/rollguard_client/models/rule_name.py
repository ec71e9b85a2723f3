from enum import StrEnum


class RuleName(StrEnum):
    CONVERSION = "conversion"
    ERROR_RATE = "error_rate"
    LATENCY = "latency"

    def __str__(self) -> str:
        return str(self.value)
