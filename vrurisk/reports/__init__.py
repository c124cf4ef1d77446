"""vrurisk.reports: HTML and JSON reports, computed as summaries first and rendered second."""

from vrurisk.reports._bias_audit import (
    BIAS_AUDIT_HTML,
    FAIRNESS_JSON,
    render_bias_audit,
    write_bias_audit,
)
from vrurisk.reports._model_card import metric_rows, model_card_summary, render_model_card
from vrurisk.reports._panel import panel_summary, render_panel
from vrurisk.reports._render import figure_to_data_uri, render_template

__all__: list[str] = [
    "BIAS_AUDIT_HTML",
    "FAIRNESS_JSON",
    "figure_to_data_uri",
    "metric_rows",
    "model_card_summary",
    "panel_summary",
    "render_bias_audit",
    "render_model_card",
    "render_panel",
    "render_template",
    "write_bias_audit",
]
