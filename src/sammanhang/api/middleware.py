"""CORS for the JSON API: the directory is open data, so any origin may read it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def open_data_cors(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Allow any origin to GET the API; answer a browser's preflight without touching a view.

    Only reads are opened: the API has no writes, and nothing else on the site is shared.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method == "HEAD":
            # The routes are declared for GET; HEAD is the same answer without its body.
            request.method = "GET"
            response = get_response(request)
            request.method = "HEAD"
            if not response.streaming:
                length = len(response.content)
                response.content = b""
                response["Content-Length"] = str(length)
        else:
            response = get_response(request)
        if request.method in READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
        return response

    return middleware
