"""Serves the web pages (the index at /, the PDA at /pda and its scanner diagnostics) with their static
files, the PDA's web manifest and its service worker. A client of /api/v1 only: no domain imports."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, render_template, url_for

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

# url → (endpoint, template). Another page (lead screen, CS desk, KPIs) is one more row here plus its
# template; the endpoint name is what url_for() uses.
PAGES: dict[str, tuple[str, str]] = {
    "/": ("index", "index.html"),
    "/pda": ("pda", "pda.html"),
    "/pda/diagnostics": ("pda_diagnostics", "pda_diagnostics.html"),
    "/lead": ("lead", "lead.html"),  # the lead's live wall screen (static/lead/, js/live.js)
}

# The PDA's offline app shell: these pages and every static file below these folders. API calls are
# never cached.
PDA_SCOPE = "/pda"
PDA_SHELL_PAGES = ("/pda", "/pda/diagnostics")
PDA_SHELL_DIRS = ("css", "js", "i18n", "icons")
# The worker lives at the root so that its scope may be "/pda" (a script at /pda/sw.js could only
# control /pda/…, not /pda itself).
SERVICE_WORKER_URL = "/pda-sw.js"


def shell_files() -> list[Path]:
    return sorted(p for d in PDA_SHELL_DIRS for p in (STATIC_DIR / d).rglob("*") if p.is_file() and p.suffix != ".py")


def shell_version() -> str:
    """Changes whenever a shell file or template changes, so browsers install the new worker (computed
    per request: a few dozen small files, and a restarted dev server is not needed after an edit)."""
    digest = hashlib.sha256()
    for path in [*shell_files(), *sorted((HERE / "templates").glob("*"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _page(template: str):  # type: ignore[no-untyped-def]
    def view() -> str:
        return render_template(template, sw_scope=PDA_SCOPE)

    return view


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "pda_web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/pda"
    )

    for url, (endpoint, template) in PAGES.items():
        bp.add_url_rule(url, endpoint, _page(template), methods=["GET"])

    @bp.get("/pda/manifest.webmanifest")
    def manifest() -> Response:
        def icon(name: str) -> str:
            return url_for("pda_web.static", filename=f"icons/{name}")

        body = {
            "name": "Packline 打包 PDA",
            "short_name": "Packline",
            "description": "Packline handheld packing: scan, pack, ship.",
            "lang": "zh-CN",
            "start_url": PDA_SCOPE,
            "scope": PDA_SCOPE,
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#0f172a",
            "theme_color": "#0f172a",
            "icons": [
                {"src": icon("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
                {"src": icon("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
                {"src": icon("icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            ],
        }
        response = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/manifest+json")
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get(SERVICE_WORKER_URL)
    def service_worker() -> Response:
        static_root = url_for("pda_web.static", filename="").rstrip("/")
        shell = [*PDA_SHELL_PAGES, url_for("pda_web.manifest")]
        shell += [f"{static_root}/{p.relative_to(STATIC_DIR).as_posix()}" for p in shell_files()]
        body = render_template("pda_sw.js", version=shell_version(), shell=shell, scope=PDA_SCOPE)
        response = Response(body, mimetype="text/javascript")
        # The browser must always see the newest worker; it is tiny.
        response.headers["Cache-Control"] = "no-cache, no-store"
        return response

    return bp

