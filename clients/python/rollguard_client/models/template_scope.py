from enum import StrEnum


class TemplateScope(StrEnum):
    DEPLOYMENT = "deployment"
    ENVIRONMENT = "environment"
    SERVICE = "service"

    def __str__(self) -> str:
        return str(self.value)
