from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sammanhang.directory.search import search_index_rebuild


class Command(BaseCommand):
    help = "Rewrite the finder's search index and word list from the activities."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search_index_rebuild()
        self.stdout.write(f"Indexed {count} activities.")
