from enum import StrEnum


class PutTemplateScope(StrEnum):
    DEPLOYMENT = "deployment"
    ENVIRONMENT = "environment"
    SERVICE = "service"

    def __str__(self) -> str:
        return str(self.value)
