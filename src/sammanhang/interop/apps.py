from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Open standards in and out: HSDS 3.0, iCalendar, schema.org, DCAT-AP-SE, CSV/XLSX."""

    name = "sammanhang.interop"
    verbose_name = "Interoperability"
