from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from sammanhang.web.demo.loader import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Migrate, load the demo municipality and serve the site (for trying Sammanhang out)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to serve on")
        parser.add_argument(
            "--no-serve", action="store_true", help="Only migrate and load the demo data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        summary = demo_load()
        self.stdout.write(
            f"Demo municipality {summary.municipality}: {summary.organisations} organisations, "
            f"{summary.places} places, {summary.activities} activities, "
            f"{len(summary.staff_users)} staff accounts "
            f"({', '.join(summary.staff_users)}; password {DEMO_PASSWORD!r})."
        )
        if options["no_serve"]:
            return
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        addr = options["addr"]
        self.stdout.write(self.style.SUCCESS(f"Sammanhang is running at http://{addr}/"))
        self.stdout.flush()
        call_command("runserver", addr, use_reloader=False, skip_checks=True)
