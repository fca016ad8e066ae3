from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "sammanhang.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from sammanhang.accounts.signals import organisation_changed
        from sammanhang.core.audit import register_action_labels
        from sammanhang.directory.services import activities_of_organisation_touch

        organisation_changed.connect(
            activities_of_organisation_touch, dispatch_uid="directory.activities_of_organisation"
        )

        register_action_labels(
            {
                "place.photo_added": _("Picture added"),
                "place.photo_removed": _("Picture removed"),
                "place.created": _("Place created"),
                "place.updated": _("Place changed"),
                "place.opening_hours_added": _("Opening hours added"),
                "place.opening_hours_removed": _("Opening hours removed"),
                "place.closure_added": _("Closed day added"),
                "place.closure_removed": _("Closed day removed"),
                "place.deleted": _("Place deleted"),
                "activity.created": _("Activity created"),
                "activity.updated": _("Activity changed"),
                "activity.status_changed": _("Activity status changed"),
                "activity.deleted": _("Activity deleted"),
                "schedule.added": _("Schedule added"),
                "schedule.changed": _("Schedule changed"),
                "schedule.deleted": _("Schedule deleted"),
                "schedule.cancelled_date": _("Date cancelled"),
                "schedule.extra_date": _("Extra date added"),
                "schedule.cancelled_date_removed": _("Cancelled date restored"),
                "schedule.extra_date_removed": _("Extra date removed"),
            }
        )
