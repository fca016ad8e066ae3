"""``sammanhang export_hsds DIR``: everything public as HSDS 3.0 JSON and a tabular data package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sammanhang.interop.hsds.export import export_write


class Command(BaseCommand):
    help = (
        "Write every public service, organization, location and taxonomy term as HSDS 3.0: "
        "services.json, organizations.json, taxonomies.json, taxonomy_terms.json, and "
        "datapackage.json with one CSV per table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="folder to write to (made if missing)")
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address (https://aktiviteter.example.se) for links to its pages",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = export_write(options["directory"], base_url=options["base_url"])
        counts = ", ".join(f"{kind}: {count}" for kind, count in summary.counts.items())
        self.stdout.write(f"{options['directory']}: {len(summary.files)} files ({counts})")
