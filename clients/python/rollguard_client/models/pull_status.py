from enum import StrEnum


class PullStatus(StrEnum):
    PULLED = "pulled"
    STALE = "stale"
    STORED = "stored"

    def __str__(self) -> str:
        return str(self.value)
