"""Serves the PDA (/pda), lead screen (/lead), CS desk (/cs) and KPI (/kpi) pages and their static files."""

from __future__ import annotations

from flask import Blueprint, render_template


def create_blueprint() -> Blueprint:
    bp = Blueprint(
        "pda_web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/pda"
    )

    @bp.get("/pda")
    def pda() -> str:
        return render_template("pda.html")

    @bp.get("/")
    def index() -> str:
        return render_template("index.html")

    return bp
