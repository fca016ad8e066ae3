from typing import Any

from django.core.management.base import BaseCommand

from sammanhang.core.periodic import registered_jobs
from sammanhang.core.services import periodic_run_due


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs that are due. Call it from one cron line, e.g. every five "
        "minutes: */5 * * * * sammanhang runperiodic"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--job", action="append", help="Run this job now, due or not.")
        parser.add_argument("--list", action="store_true", help="List the registered jobs.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in registered_jobs():
                self.stdout.write(f"{job.name}: every {job.every}")
            return
        known = {job.name for job in registered_jobs()}
        for name in options["job"] or []:
            if name not in known:
                self.stderr.write(f"Unknown job {name!r}; known jobs: {', '.join(sorted(known))}")
                raise SystemExit(2)
        reports = periodic_run_due(only=options["job"])
        for name, report in reports.items():
            self.stdout.write(f"{name}: {report}")
        if not reports:
            self.stdout.write("No job was due.")
