"""Load the shipped taxonomies (``data/taxonomy/*.csv``) into ``Term`` rows.

Codes are stable: a sync adds new terms and updates names, and never deletes or renames a
code, because URLs, exports and other systems refer to it.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data") / "taxonomy"
FILES = {
    "sammanhang-malgrupp": "target_groups.csv",
    "sammanhang-kategori": "categories.csv",
    "sammanhang-tillganglighet": "accessibility.csv",
    "sammanhang-utrustning": "equipment_categories.csv",
}


def taxonomy_rows(taxonomy: str) -> list[dict[str, str]]:
    with (DATA_DIR / FILES[taxonomy]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def taxonomy_sync(term_model: Any) -> int:
    """Create or update every shipped term; return how many terms the files hold.

    Takes the model class so a data migration can pass its historical model.
    """
    count = 0
    for taxonomy in FILES:
        rows = taxonomy_rows(taxonomy)
        terms = {}
        for position, row in enumerate(rows):
            co2 = row.get("co2_kg_per_loan") or None
            term, _created = term_model.objects.update_or_create(
                taxonomy=taxonomy,
                code=row["code"],
                defaults={
                    "name_sv": row["name_sv"],
                    "name_en": row["name_en"],
                    "description_sv": row.get("description_sv") or "",
                    "applies_to": row.get("applies_to") or "",
                    "co2_kg_per_loan": Decimal(co2) if co2 else None,
                    "position": position,
                },
            )
            terms[row["code"]] = term
        for row in rows:
            if row.get("parent"):
                term = terms[row["code"]]
                term.parent = terms[row["parent"]]
                term.save(update_fields=["parent"])
        count += len(rows)
    return count
