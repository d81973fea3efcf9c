"""Where a shared location is: the region it lies in and the nearest services with coordinates."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.knowledge.model import KnowledgeBase, Service

EARTH_RADIUS_KM = 6371.0

# Approximate circles around each region (centre latitude, longitude, radius in km), smallest area first
# so that Detmold wins over the district around it. Good enough to pick a region from a shared location;
# the person can always correct it by naming their town.
REGION_AREAS: tuple[tuple[str, float, float, float], ...] = (
    ("detmold", 51.9387, 8.8795, 8.0),
    ("gelsenkirchen", 51.5402, 7.0862, 10.0),
    ("bielefeld", 52.0211, 8.5347, 12.0),
    ("kreis-lippe", 51.9500, 8.9000, 32.0),
)


@dataclass(frozen=True)
class Nearby:
    """A service and how far away it is."""

    service: Service
    km: float


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def region_at(point: tuple[float, float], known: set[str] | None = None) -> str | None:
    """The region a point lies in, or None outside every region."""
    for region_id, lat, lon, radius in REGION_AREAS:
        if (known is None or region_id in known) and distance_km(point, (lat, lon)) <= radius:
            return region_id
    return None


def nearest_services(kb: KnowledgeBase, point: tuple[float, float], topic: str | None = None,
                     limit: int = 3, max_km: float = 25.0) -> list[Nearby]:
    """The closest services with coordinates (for `topic` when given), nearest first."""
    found = [
        Nearby(service, distance_km(point, service.coordinates))
        for service in kb.services.values()
        if service.coordinates and (topic is None or topic in service.topics)
    ]
    return sorted((n for n in found if n.km <= max_km), key=lambda n: n.km)[:limit]
