"""vrurisk.reports: HTML and JSON reports, computed as summaries first and rendered second.

Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from vrurisk._lazy import lazy_exports

__all__ = [
    "BIAS_AUDIT_HTML",
    "EVALUATION_HTML",
    "EVALUATION_JSON",
    "FAIRNESS_JSON",
    "GovernanceConfig",
    "comparison_summary",
    "figure_to_data_uri",
    "metric_rows",
    "model_card_summary",
    "panel_summary",
    "render_bias_audit",
    "render_evaluation",
    "render_model_card",
    "render_panel",
    "render_score_comparison",
    "render_template",
    "write_bias_audit",
    "write_evaluation",
    "write_score_comparison",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "_bias_audit": (
            "BIAS_AUDIT_HTML",
            "FAIRNESS_JSON",
            "render_bias_audit",
            "render_evaluation",
            "write_bias_audit",
            "write_evaluation",
        ),
        "_governance": ("GovernanceConfig",),
        "_comparison": (
            "comparison_summary",
            "render_score_comparison",
            "write_score_comparison",
        ),
        "_evaluation": (
            "EVALUATION_HTML",
            "EVALUATION_JSON",
            "render_evaluation",
            "write_evaluation",
        ),
        "_model_card": ("metric_rows", "model_card_summary", "render_model_card"),
        "_panel": ("panel_summary", "render_panel"),
        "_render": ("figure_to_data_uri", "render_template"),
    },
    __all__,
)
