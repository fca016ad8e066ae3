from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "sammanhang.core"
    label = "core"
    verbose_name = "Sammanhang core"

    def ready(self) -> None:
        # Each app declares its personal data (retention.py) and its scheduled jobs
        # (periodic.py) in its own module; importing them fills the registries.
        autodiscover_modules("retention", "periodic")
