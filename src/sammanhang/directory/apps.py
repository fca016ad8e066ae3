from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "sammanhang.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from sammanhang.core.audit import register_action_labels

        register_action_labels(
            {
                "place.photo_added": _("Picture added"),
                "place.photo_removed": _("Picture removed"),
            }
        )
