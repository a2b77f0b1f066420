"""Health endpoints for load balancers and the browsable API page (served locally, no CDN)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template_string
from sqlalchemy import text

from server.api.auth import runtime

blp = Blueprint("meta", __name__)


@blp.get("/healthz")
def healthz() -> dict[str, Any]:
    """The process is alive (no dependency checks)."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz() -> tuple[dict[str, Any], int]:
    """Ready for traffic: database reachable (503 if not); Redis down only degrades."""
    rt = runtime()
    checks: dict[str, str] = {}
    try:
        with rt.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not ready"
        checks["database"] = f"error: {type(exc).__name__}"
    if rt.settings.redis_url:
        try:
            import redis

            redis.Redis.from_url(rt.settings.redis_url, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"degraded: {type(exc).__name__}"
    else:
        checks["redis"] = "embedded"
    ok = checks["database"] == "ok"
    status = (
        "ok" if ok and not checks["redis"].startswith("degraded") else ("degraded" if ok else "unavailable")
    )
    return {"status": status, "checks": checks}, 200 if ok else 503


_DOCS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Packline API</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:70rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
.op{margin:.6rem 0;padding:.5rem .8rem;border-left:4px solid #888;background:#f7f7f7}.m{font-weight:700;display:inline-block;width:4.5rem}
.get{border-color:#2a7}.post{border-color:#27c}.put,.patch{border-color:#c80}.delete{border-color:#c33}
pre{background:#fff;border:1px solid #ddd;padding:.5rem;overflow:auto;font-size:12px}summary{cursor:pointer}</style></head>
<body><h1>Packline API</h1><p>Machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a>.
Authenticate with <code>POST /api/v1/auth/login</code>, then send <code>Authorization: Bearer &lt;token&gt;</code>.
Errors are always <code>{code, message, details}</code>; <code>Accept-Language: en</code> switches messages to English.</p>
<div id="ops">Loading…</div>
<script>
fetch('/api/openapi.json').then(r=>r.json()).then(spec=>{
  const byTag={};
  for(const [path,item] of Object.entries(spec.paths)){for(const [m,op] of Object.entries(item)){
    if(!op||typeof op!=='object'||!op.responses)continue;const tag=(op.tags||['other'])[0];(byTag[tag]=byTag[tag]||[]).push([m,path,op]);}}
  const root=document.getElementById('ops');root.textContent='';
  for(const [tag,ops] of Object.entries(byTag)){const h=document.createElement('h2');h.textContent=tag;root.appendChild(h);
    for(const [m,path,op] of ops){const d=document.createElement('details');d.className='op '+m;
      const s=document.createElement('summary');s.innerHTML='<span class="m"></span><code></code> — <span></span>';
      s.children[0].textContent=m.toUpperCase();s.children[1].textContent=path;s.children[2].textContent=op.summary||'';
      d.appendChild(s);const pre=document.createElement('pre');pre.textContent=JSON.stringify(
        {description:op.description,parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2);
      d.appendChild(pre);root.appendChild(d);}}
  const h=document.createElement('h2');h.textContent='schemas';root.appendChild(h);
  const pre=document.createElement('pre');pre.textContent=JSON.stringify((spec.components||{}).schemas,null,2);root.appendChild(pre);
});
</script></body></html>"""


@blp.get("/api/docs")
def api_docs() -> str:
    return render_template_string(_DOCS_PAGE)
