from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "sammanhang.lending"
    label = "lending"
    verbose_name = _("Lending")

    def ready(self) -> None:
        from sammanhang.core.audit import register_action_labels

        register_action_labels(
            {
                "loan.limit_overridden": _("Item limit overridden"),
                "loan.undone": _("Loan undone"),
                "article.registered": _("Article registered"),
                "article.status_changed": _("Article status changed"),
            }
        )
