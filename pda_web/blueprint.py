"""Serves the web pages (the index at /, the PDA at /pda and its scanner diagnostics) with their static
files, the PDA's web manifest and its service worker. A client of /api/v1 only: no domain imports."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
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
    "/pda/dock": ("pda_dock", "pda_dock.html"),  # the dock: hand parcels over to the courier (js/dock.js)
    "/lead": ("lead", "lead.html"),  # the lead's live wall screen (static/lead/, js/live.js)
    "/cs": ("cs", "cs.html"),  # the customer service desk (static/cs/)
    "/kpi": ("kpi", "kpi.html"),  # fulfilment KPIs with charts and CSV export (static/kpi/)
}

# The PDA's offline app shell: these pages and every static file below these folders. API calls are
# never cached.
PDA_SCOPE = "/pda"
PDA_SHELL_PAGES = ("/pda", "/pda/diagnostics", "/pda/dock")
PDA_SHELL_DIRS = ("css", "js", "i18n", "icons", "vendor")
PDA_TEMPLATES = ("pda.html", "pda_diagnostics.html", "pda_dock.html", "pda_sw.js")
# The worker lives at the root so that its scope may be "/pda" (a script at /pda/sw.js could only
# control /pda/…, not /pda itself).
SERVICE_WORKER_URL = "/pda-sw.js"


def shell_files() -> list[Path]:
    return sorted(
        p for d in PDA_SHELL_DIRS for p in (STATIC_DIR / d).rglob("*") if p.is_file() and p.suffix != ".py"
    )


def shell_version() -> str:
    """Changes whenever a shell file or template changes, so browsers install the new worker (computed
    per request: a few dozen small files, and a restarted dev server is not needed after an edit)."""
    digest = hashlib.sha256()
    for path in [*shell_files(), *(HERE / "templates" / name for name in PDA_TEMPLATES)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_IMPORT = re.compile(r"""^\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}/[^'"]+)['"]""", re.M)


def module_graph(entry: str) -> list[str]:
    """Static files (relative to static/) that an ES module imports, itself first: preloaded in
    parallel instead of discovered one import level at a time over the warehouse Wi-Fi."""
    seen: list[str] = []
    todo = [entry]
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.append(name)
        base = (STATIC_DIR / name).parent
        for spec in _IMPORT.findall((STATIC_DIR / name).read_text()):
            todo.append((base / spec).resolve().relative_to(STATIC_DIR.resolve()).as_posix())
    return seen


@cache
def _cached_graph(entry: str, _stamp: float) -> list[str]:
    return module_graph(entry)


def preloads(entry: str) -> list[str]:
    stamp = max(p.stat().st_mtime for p in (STATIC_DIR / "js").rglob("*.js"))
    return _cached_graph(entry, stamp)


def _page(template: str):  # type: ignore[no-untyped-def]
    def view() -> str:
        return render_template(template, sw_scope=PDA_SCOPE)

    return view


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "pda_web",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static/pda",
    )

    for url, (endpoint, template) in PAGES.items():
        bp.add_url_rule(url, endpoint, _page(template), methods=["GET"])

    @bp.context_processor
    def page_helpers() -> dict[str, object]:
        return {"module_preloads": preloads}

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
                {
                    "src": icon("icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        }
        response = Response(
            json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/manifest+json"
        )
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get(SERVICE_WORKER_URL)
    def service_worker() -> Response:
        static_root = url_for("pda_web.static", filename="").rstrip("/")
        shell = [*PDA_SHELL_PAGES, url_for("pda_web.manifest")]
        shell += [f"{static_root}/{p.relative_to(STATIC_DIR).as_posix()}" for p in shell_files()]
        body = render_template("pda_sw.js", version=shell_version(), shell=shell)
        response = Response(body, mimetype="text/javascript")
        # The browser must always see the newest worker; it is tiny.
        response.headers["Cache-Control"] = "no-cache, no-store"
        return response

    return bp
