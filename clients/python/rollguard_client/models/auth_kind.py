from enum import StrEnum


class AuthKind(StrEnum):
    BASIC = "basic"
    BEARER = "bearer"

    def __str__(self) -> str:
        return str(self.value)
