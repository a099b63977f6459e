"""The control tower's page and its CSV exports (staff only, through the admin blueprint's gate)."""
from __future__ import annotations

from flask import Response, abort, render_template

from matcher.services import control_tower, loop_metrics

from ..extensions import runtime
from . import charts, csvexport, tower_text
from .views import bp


# --- control tower ---------------------------------------------------------------------------------------

@bp.get("/control-tower")
def control_tower_page() -> str:
    tower = control_tower.tower(runtime())
    loop = loop_metrics.loop_figures(runtime())
    charted = [(table, charts.table_chart(table)) for table in map(tower_text.localised, (*tower.tables, *loop.tables))]
    return render_template("admin/control_tower.html", tower=tower, loop=loop, charted=charted)


@bp.get("/control-tower/<key>.csv")
def tower_csv(key: str) -> Response:
    table = control_tower.tower(runtime()).table(key) or next(
        (t for t in loop_metrics.loop_figures(runtime()).tables if t.key == key), None)
    if table is None:
        abort(404)
    table = tower_text.localised(table)
    body = csvexport.to_csv(table.columns, table.rows)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="innobridge-{table.key}.csv"'})
