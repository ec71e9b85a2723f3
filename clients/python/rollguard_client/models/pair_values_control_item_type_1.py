from enum import StrEnum


class PairValuesControlItemType1(StrEnum):
    NAN = "NaN"

    def __str__(self) -> str:
        return str(self.value)
