from enum import StrEnum


class PartialPolicyExtends(StrEnum):
    COMPARE = "compare"
    GUARDED = "guarded"
    SEED = "seed"

    def __str__(self) -> str:
        return str(self.value)
