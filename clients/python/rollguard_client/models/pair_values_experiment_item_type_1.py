from enum import StrEnum


class PairValuesExperimentItemType1(StrEnum):
    NAN = "NaN"

    def __str__(self) -> str:
        return str(self.value)
