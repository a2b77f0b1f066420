"""A pack station's printer profile. A station without one fails loudly when it is picked, not at the
first label of the day."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Station
from server.errors import NotFound
from server.i18n import Localized
from server.labels import print_messages as pm
from server.labels.profiles import LabelProfileError, PrinterProfile
from server.labels.render import MEDIA_TYPES

_SETTINGS = (("printer_format", "format"), ("printer_size", "size"), ("printer_dpi", "dpi"))


@dataclass(frozen=True)
class StationPrinter:
    station: Station
    profile: PrinterProfile  # with the requested format, if one was asked for
    configured_format: str  # what the station prints natively

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.profile.format]

    @property
    def fallback(self) -> bool:
        return self.profile.format != self.configured_format


def get_station(session: Session, warehouse_id: int, code: str) -> Station:
    station = session.scalars(
        select(Station).where(Station.warehouse_id == warehouse_id, Station.code == code)
    ).first()
    if station is None:
        raise NotFound("station", station=code)
    return station


def station_printer(station: Station, fmt: str | None = None) -> StationPrinter:
    """The station's profile, or `NO_PRINTER_PROFILE` / `PRINTER_PROFILE_INVALID` (409).

    `fmt` renders in another format at the station's size and resolution — e.g. a ZPL station whose
    printer the browser cannot reach prints the PDF instead."""
    missing = [name for column, name in _SETTINGS if getattr(station, column) in (None, "", 0)]
    if missing:
        raise pm.PrinterNotReady(pm.NO_PRINTER_PROFILE, station=station.code, missing=", ".join(missing))
    try:
        profile = PrinterProfile(
            format=str(station.printer_format),
            size=str(station.printer_size),
            dpi=station.printer_dpi,  # type: ignore[arg-type]
        )
    except LabelProfileError as exc:
        problem = Localized(exc.message("zh-CN"), exc.message("en"))
        raise pm.PrinterNotReady(pm.PRINTER_PROFILE_INVALID, station=station.code, problem=problem) from exc
    asked = profile if fmt is None else replace(profile, format=fmt)
    return StationPrinter(station, asked, profile.format)


def printer_for(session: Session, warehouse_id: int, code: str, fmt: str | None = None) -> StationPrinter:
    return station_printer(get_station(session, warehouse_id, code), fmt)
