"""``sammanhang import_hsds PATH --source NAME``: HSDS 3.0 into the directory (see
``interop.hsds.importer`` and docs/open-data.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import Municipality
from sammanhang.interop.hsds.importer import ImportFailed, Options, import_path


class Command(BaseCommand):
    help = "Import HSDS 3.0 JSON (a file or a folder) into the directory, as one change."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--source",
            required=True,
            help="Who the data comes from; only this source may later update what it brings.",
        )
        parser.add_argument(
            "--municipality",
            help="Code, slug or name of the municipality for locations whose city is not one.",
        )
        parser.add_argument(
            "--organisation",
            help="Slug of the organisation for services and locations that name none.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(_("%(path)s does not exist.") % {"path": path})
        settings = Options(source=options["source"].strip())
        if not settings.source:
            raise CommandError(_("Name the source with --source."))
        if options["municipality"]:
            wanted = options["municipality"].strip()
            settings.municipality = Municipality.objects.filter(
                Q(code=wanted) | Q(slug=wanted) | Q(name__iexact=wanted)
            ).first()
            if settings.municipality is None:
                raise CommandError(_("No municipality %(name)s.") % {"name": wanted})
        if options["organisation"]:
            settings.organisation = Organisation.objects.filter(
                slug=options["organisation"].strip()
            ).first()
            if settings.organisation is None:
                raise CommandError(
                    _("No organisation with the slug %(slug)s.") % {"slug": options["organisation"]}
                )
        try:
            summary = import_path(path, settings)
        except ImportFailed as failure:
            for problem in failure.problems:
                self.stderr.write(str(problem))
            count = len(failure.problems)
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)d problem.",
                    "Nothing was imported: %(count)d problems.",
                    count,
                )
                % {"count": count}
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
