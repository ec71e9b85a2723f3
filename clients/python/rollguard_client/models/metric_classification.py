from enum import StrEnum


class MetricClassification(StrEnum):
    HIGH = "High"
    LOW = "Low"
    NODATA = "Nodata"
    PASS = "Pass"

    def __str__(self) -> str:
        return str(self.value)
