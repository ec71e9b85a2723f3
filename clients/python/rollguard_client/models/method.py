from enum import StrEnum


class Method(StrEnum):
    COUNTS_VS_BASELINE = "counts_vs_baseline"
    COUNTS_VS_REFERENCE = "counts_vs_reference"
    OWN_PAST = "own_past"
    OWN_PAST_SHIFT = "own_past_shift"
    VALUES_VS_BASELINE = "values_vs_baseline"

    def __str__(self) -> str:
        return str(self.value)
