"""The control tower's page and its CSV exports (staff only, through the admin blueprint's gate)."""
from __future__ import annotations

from flask import Response, abort, render_template

from matcher.services import control_tower, loop_metrics

from ..extensions import runtime
from . import charts, csvexport
from .views import bp


# --- control tower ---------------------------------------------------------------------------------------

@bp.get("/control-tower")
def control_tower_page() -> str:
    tower = control_tower.tower(runtime())
    loop = loop_metrics.loop_figures(runtime())
    charted = []
    for table in (*tower.tables, *loop.tables):
        labels = [row[0] for row in table.rows]
        values = [row[table.value_column] for row in table.rows]
        if table.chart == "funnel":
            chart = charts.funnel_chart(labels, values, table.title)
        elif table.inner_column is not None:
            chart = charts.bar_chart(labels, values, table.title, [row[table.inner_column] for row in table.rows],
                                     legend=(table.columns[table.value_column], table.columns[table.inner_column]))
        else:
            chart = charts.bar_chart(labels, values, table.title)
        charted.append((table, chart))
    return render_template("admin/control_tower.html", tower=tower, loop=loop, charted=charted)


@bp.get("/control-tower/<key>.csv")
def tower_csv(key: str) -> Response:
    table = control_tower.tower(runtime()).table(key) or next(
        (t for t in loop_metrics.loop_figures(runtime()).tables if t.key == key), None)
    if table is None:
        abort(404)
    body = csvexport.to_csv(table.columns, table.rows)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="innobridge-{table.key}.csv"'})
