from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def _same_page_in(path: str, code: str, current: str) -> str:
    translated = translate_url(path, code)
    if translated != path:
        return translated
    # The path did not resolve (a 404): swap the language prefix by hand.
    prefix = f"/{current}/"
    bare = path[len(prefix) - 1 :] if path.startswith(prefix) else path
    return bare if code == settings.LANGUAGE_CODE else f"/{code}{bare}"


def site(request: HttpRequest) -> dict[str, Any]:
    """The operator's name and the same page in the other languages, for the page shell."""
    current = get_language()
    path = request.get_full_path()
    return {
        "operator_name": settings.SAMMANHANG_OPERATOR_NAME,
        "other_languages": [
            {"code": code, "url": _same_page_in(path, code, current)}
            for code, _name in settings.LANGUAGES
            if code != current
        ],
    }
