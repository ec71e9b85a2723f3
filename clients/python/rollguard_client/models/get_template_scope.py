from enum import StrEnum


class GetTemplateScope(StrEnum):
    DEPLOYMENT = "deployment"
    ENVIRONMENT = "environment"
    SERVICE = "service"

    def __str__(self) -> str:
        return str(self.value)
