from enum import StrEnum


class PairValuesExperimentType0ItemType1(StrEnum):
    NAN = "NaN"

    def __str__(self) -> str:
        return str(self.value)
