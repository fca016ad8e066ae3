"""Distances on the earth's surface for the finder, without PostGIS.

The finder narrows places with a latitude/longitude bounding box (plain indexed comparisons
that SQLite and PostgreSQL both do) and then keeps those within the exact great-circle
(haversine) distance, computed in SQL with Django's math functions so the database can also
sort by it. Django provides these functions on SQLite too, so the same query runs on both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
# One degree of latitude is this long everywhere; a degree of longitude shrinks with cos(lat).
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float


def haversine_km(a: Point, b: Point) -> float:
    """The great-circle distance between two points in kilometres."""
    phi1, phi2 = math.radians(a.latitude), math.radians(b.latitude)
    d_phi = phi2 - phi1
    d_lambda = math.radians(b.longitude - a.longitude)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(centre: Point, radius_km: float) -> BoundingBox:
    """A box that holds every point within ``radius_km`` of ``centre`` (and a little more).

    Near the poles the longitude span would explode; there the box spans all longitudes.
    """
    d_lat = radius_km / KM_PER_DEGREE
    cos_lat = math.cos(math.radians(centre.latitude))
    d_lon = 180.0 if cos_lat < 0.01 else min(180.0, radius_km / (KM_PER_DEGREE * cos_lat))
    return BoundingBox(
        min_latitude=max(-90.0, centre.latitude - d_lat),
        max_latitude=min(90.0, centre.latitude + d_lat),
        min_longitude=max(-180.0, centre.longitude - d_lon),
        max_longitude=min(180.0, centre.longitude + d_lon),
    )


def bounding_box_filter(box: BoundingBox, *, prefix: str = "") -> dict[str, float]:
    """Keyword filters that keep rows whose ``latitude``/``longitude`` lie inside ``box``."""
    return {
        f"{prefix}latitude__gte": box.min_latitude,
        f"{prefix}latitude__lte": box.max_latitude,
        f"{prefix}longitude__gte": box.min_longitude,
        f"{prefix}longitude__lte": box.max_longitude,
    }


def distance_expression(centre: Point, *, prefix: str = "") -> Combinable:
    """SQL for the haversine distance in km from ``centre`` to the row's coordinates."""
    lat = Radians(F(f"{prefix}latitude"))
    lon = Radians(F(f"{prefix}longitude"))
    lat0 = Value(math.radians(centre.latitude), output_field=FloatField())
    lon0 = Value(math.radians(centre.longitude), output_field=FloatField())
    cos_lat0 = Value(math.cos(math.radians(centre.latitude)), output_field=FloatField())
    h = Power(Sin((lat - lat0) / 2), 2) + cos_lat0 * Cos(lat) * Power(Sin((lon - lon0) / 2), 2)
    # Rounding can push h a hair above 1 for antipodal points; asin would then fail.
    one = Value(1.0, output_field=FloatField())
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(Least(one, Sqrt(h)))
