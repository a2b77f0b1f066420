"""Connectors built from Settings, one instance (one HTTP session) per system and process, and the list of
shops to sync. A system without a base URL or credentials is "not configured", never silently skipped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.config import Settings
from server.integrations.courier_zto import ZtoConnector
from server.integrations.http import Timeouts
from server.integrations.kingdee import KingdeeConnector
from server.integrations.pdd import PddConnector
from server.integrations.ports import CourierPort, ErpPort, PlatformPort, WmsPort
from server.integrations.taobao import TaobaoConnector
from server.integrations.wms import WmsConnector

PLATFORMS = ("taobao", "pdd")


class NotConfigured(RuntimeError):
    """A connector was asked for but its PACKLINE_* settings are missing."""


@dataclass(frozen=True)
class SyncTarget:
    platform: str
    shop_code: str
    warehouse_code: str


def sync_targets(settings: Settings) -> list[SyncTarget]:
    """`PACKLINE_SYNC_SHOPS`: "platform:shop" or "platform:shop@warehouse", comma separated."""
    targets = []
    for entry in settings.sync_shops:
        platform, _, rest = entry.partition(":")
        shop, _, warehouse = rest.partition("@")
        if platform not in PLATFORMS or not shop:
            raise NotConfigured(f"PACKLINE_SYNC_SHOPS entry {entry!r}: expected platform:shop[@warehouse]")
        targets.append(SyncTarget(platform, shop, warehouse or settings.sync_default_warehouse))
    return targets


def target_for(settings: Settings, platform: str, shop: str) -> SyncTarget:
    for target in sync_targets(settings):
        if (target.platform, target.shop_code) == (platform, shop):
            return target
    return SyncTarget(platform, shop, settings.sync_default_warehouse)


def _tokens(settings: Settings) -> dict[str, str]:
    pairs = (entry.partition("=") for entry in settings.shop_tokens)
    return {shop.strip(): token.strip() for shop, _, token in pairs if token}


def _need(settings: Settings, system: str, *names: str) -> list[Any]:
    values = [getattr(settings, name) for name in names]
    missing = [f"PACKLINE_{name.upper()}" for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise NotConfigured(f"{system} connector needs {', '.join(missing)}")
    return values


class Connectors:
    """Lazily built connectors for one process (a forked worker builds its own: sockets are not shared)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.timeouts = Timeouts.from_ms(settings.http_connect_timeout_ms, settings.http_read_timeout_ms)
        self._built: dict[str, Any] = {}

    def platform(self, name: str) -> PlatformPort:
        if name not in self._built:
            self._built[name] = self._platform(name)
        return self._built[name]  # type: ignore[no-any-return]

    def _platform(self, name: str) -> PlatformPort:
        s = self.settings
        if name == "taobao":
            url, key, secret = _need(s, "taobao", "taobao_base_url", "taobao_app_key", "taobao_app_secret")
            return TaobaoConnector(
                url,
                app_key=key,
                app_secret=secret,
                sessions=_tokens(s),
                default_session=s.taobao_session,
                sign_method=s.taobao_sign_method,
                timeouts=self.timeouts,
            )
        if name == "pdd":
            url, client, secret = _need(s, "pdd", "pdd_base_url", "pdd_client_id", "pdd_client_secret")
            return PddConnector(
                url,
                client_id=client,
                client_secret=secret,
                tokens=_tokens(s),
                default_token=s.pdd_access_token,
                timeouts=self.timeouts,
            )
        raise NotConfigured(f"no connector for platform {name!r}")

    def erp(self) -> ErpPort:
        if "erp" not in self._built:
            url, acct, user, password = _need(
                self.settings,
                "kingdee",
                "kingdee_base_url",
                "kingdee_acct_id",
                "kingdee_username",
                "kingdee_password",
            )
            self._built["erp"] = KingdeeConnector(
                url,
                acct_id=acct,
                username=user,
                password=password,
                lcid=self.settings.kingdee_lcid,
                org_number=self.settings.kingdee_org_number,
                timeouts=self.timeouts,
            )
        return self._built["erp"]  # type: ignore[no-any-return]

    def wms(self) -> WmsPort:
        if "wms" not in self._built:
            url, key, secret, customer = _need(
                self.settings, "wms", "wms_base_url", "wms_app_key", "wms_app_secret", "wms_customer_id"
            )
            self._built["wms"] = WmsConnector(
                url, app_key=key, app_secret=secret, customer_id=customer, timeouts=self.timeouts
            )
        return self._built["wms"]  # type: ignore[no-any-return]

    def courier(self, code: str = "ZTO") -> CourierPort:
        if code != "ZTO":
            raise NotConfigured(f"no connector for courier {code!r}")
        if "zto" not in self._built:
            url, key, secret = _need(
                self.settings, "zto", "courier_base_url", "zto_app_key", "zto_app_secret"
            )
            self._built["zto"] = ZtoConnector(
                url,
                app_key=key,
                app_secret=secret,
                account_id=self.settings.zto_account_id or "",
                timeouts=self.timeouts,
            )
        return self._built["zto"]  # type: ignore[no-any-return]

    def has(self, system: str) -> bool:
        """Whether a system is configured (consistency checks compare only with the configured ones)."""
        try:
            {"erp": self.erp, "wms": self.wms}[system]()
        except NotConfigured:
            return False
        return True

    def close(self) -> None:
        for connector in self._built.values():
            connector.close()
        self._built.clear()
