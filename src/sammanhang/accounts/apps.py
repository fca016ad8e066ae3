from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sammanhang.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from sammanhang.core.audit import register_action_labels

        register_action_labels(
            {
                "organisation.created": _("Organisation created"),
                "organisation.logo_changed": _("Logo changed"),
                "organisation.deleted": _("Organisation deleted"),
                "membership.added": _("Access given"),
                "membership.role_changed": _("Role changed"),
                "membership.removed": _("Access removed"),
            }
        )
