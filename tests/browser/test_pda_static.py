"""Fast checks of pda_web without a browser: routes, manifest, service worker, catalogs, no CDN."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask

from pda_web.blueprint import create_blueprint

PDA_WEB = Path(__file__).parents[2] / "pda_web"
I18N = PDA_WEB / "static" / "i18n"


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    app = Flask("pda_web_test")
    app.register_blueprint(create_blueprint())
    return app.test_client()


@pytest.mark.parametrize("url", ["/", "/pda", "/pda/diagnostics"])
def test_pages(client, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"


def test_manifest(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/pda/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert (
        manifest["start_url"] == "/pda"
        and manifest["scope"] == "/pda"
        and manifest["display"] == "standalone"
    )
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_service_worker_caches_the_shell_and_no_api(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/pda-sw.js")
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body, re.S).group(1))  # type: ignore[union-attr]
    assert {"/pda", "/pda/diagnostics", "/pda/manifest.webmanifest", "/static/pda/js/app.js"} <= set(shell)
    assert "/static/pda/js/scanner.js" in shell and "/static/pda/i18n/en.json" in shell
    assert not [u for u in shell if u.startswith("/api")]
    for url in shell:
        assert client.get(url).status_code == 200, url


def test_catalogs_have_the_same_keys_and_cover_every_key_in_use() -> None:
    zh = json.loads((I18N / "zh-CN.json").read_text())
    en = json.loads((I18N / "en.json").read_text())
    assert set(zh) == set(en)
    assert all(v.strip() for v in [*zh.values(), *en.values()])
    used: set[str] = set()
    for path in [*(PDA_WEB / "templates").glob("pda*.html"), *(PDA_WEB / "static" / "js").rglob("*.js")]:
        text = path.read_text()
        used |= set(re.findall(r"data-i18n(?:-[a-z-]+)?=\"([\w.]+)\"", text))
        used |= set(re.findall(r"\bt\('([\w.]+)'", text))
    missing = sorted(k for k in used if k not in zh)
    assert missing == []
    # Keys built at run time: the steps, the gift states, the scan labels, the diagnostics notes.
    for key in ("step.scan_order", "step.scan_items", "step.scan_gift", "step.confirm", "step.done"):
        assert key in zh
    for key in (
        "gift.pending",
        "gift.done",
        "gift.overridden",
        "scan.label.login",
        "scan.label.stations",
        "scan.label.pack",
    ):
        assert key in zh
    for key in (
        "diag.note.empty",
        "diag.note.waiting",
        "diag.note.stale",
        "diag.term.Enter",
        "diag.term.silence",
    ):
        assert key in zh


def test_no_cdn_or_external_urls_in_the_pda() -> None:
    files = [
        *(PDA_WEB / "templates").glob("pda*"),
        PDA_WEB / "templates" / "index.html",
        PDA_WEB / "blueprint.py",
        *(p for d in ("js", "css", "i18n") for p in (PDA_WEB / "static" / d).rglob("*") if p.is_file()),
    ]
    offenders = []
    for path in files:
        for url in re.findall(
            r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[/\w.-]*", path.read_text(errors="ignore")
        ):
            offenders.append(f"{path.relative_to(PDA_WEB)}: {url}")
    assert offenders == []
