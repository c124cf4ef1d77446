"""vrurisk.reports: HTML and JSON reports, computed as summaries first and rendered second.

Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from typing import TYPE_CHECKING

from vrurisk._lazy import lazy_exports

if TYPE_CHECKING:  # the lazy exports, typed for editors and type checkers
    from vrurisk.reports._audit_run import require_one_operating_point, run_audit
    from vrurisk.reports._bias_audit import (
        BIAS_AUDIT_HTML,
        FAIRNESS_JSON,
        render_bias_audit,
        write_bias_audit,
    )
    from vrurisk.reports._comparison import (
        COMPARISON_HTML,
        COMPARISON_JSON,
        comparison_summary,
        render_score_comparison,
        write_score_comparison,
    )
    from vrurisk.reports._evaluation import (
        EVALUATION_HTML,
        EVALUATION_JSON,
        render_evaluation,
        write_evaluation,
    )
    from vrurisk.reports._governance import GovernanceConfig
    from vrurisk.reports._model_card import metric_rows, model_card_summary, render_model_card
    from vrurisk.reports._monitor import MONITOR_HTML, MONITOR_JSON, render_monitor, write_monitor
    from vrurisk.reports._panel import panel_summary, render_panel
    from vrurisk.reports._render import (
        MUTED,
        PALETTE,
        base_css,
        figure_to_data_uri,
        new_figure,
        render_template,
        report_environment,
    )

__all__ = [
    "require_one_operating_point",
    "run_audit",
    "COMPARISON_HTML",
    "COMPARISON_JSON",
    "BIAS_AUDIT_HTML",
    "EVALUATION_HTML",
    "EVALUATION_JSON",
    "FAIRNESS_JSON",
    "MONITOR_HTML",
    "MONITOR_JSON",
    "MUTED",
    "PALETTE",
    "GovernanceConfig",
    "base_css",
    "comparison_summary",
    "figure_to_data_uri",
    "metric_rows",
    "model_card_summary",
    "new_figure",
    "panel_summary",
    "render_bias_audit",
    "render_evaluation",
    "render_model_card",
    "render_monitor",
    "render_panel",
    "render_score_comparison",
    "render_template",
    "report_environment",
    "write_bias_audit",
    "write_evaluation",
    "write_monitor",
    "write_score_comparison",
]

__getattr__, __dir__ = lazy_exports(__name__, __all__)
