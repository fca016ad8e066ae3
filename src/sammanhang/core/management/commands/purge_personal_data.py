from typing import Any

from django.core.management.base import BaseCommand

from sammanhang.core.retention import registered_rules
from sammanhang.core.services import personal_data_purge


class Command(BaseCommand):
    help = "Delete personal data that has outlived its retention period (see the registry)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--list", action="store_true", help="Only list what is kept and for how long."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for rule in registered_rules():
                self.stdout.write(f"{rule.key}: {rule.data} {rule.kept_for}")
            return
        for key, count in personal_data_purge().items():
            self.stdout.write(f"{key}: {count} purged")
