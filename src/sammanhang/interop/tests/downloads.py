"""Reading downloaded lists back as a spreadsheet program would, for the download tests."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def read_xlsx(response) -> tuple[list[list[str]], Any]:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    return rows, workbook


def finder_slugs(client, query: dict, prefix: str = "") -> list[str]:
    """Every result of the finder page for ``query``, page after page, in order."""
    slugs: list[str] = []
    page = 1
    while True:
        response = client.get(prefix + reverse("directory:finder"), {**query, "page": page})
        assert response.status_code == 200
        html = response.content.decode()
        slugs += re.findall(r'<li class="result" data-slug="([^"]+)"', html)
        if 'rel="next"' not in html:
            return slugs
        page += 1


def slugs_of(rows: list[list[str]]) -> list[str]:
    """The activities of the rows, by the slug in their web address (the last column)."""
    slugs = []
    for row in rows[1:]:
        match = re.fullmatch(r"http://testserver(?:/en)?/aktiviteter/([^/]+)/", row[-1])
        assert match is not None, row[-1]
        slugs.append(match.group(1))
    return slugs
