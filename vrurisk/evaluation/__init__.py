"""vrurisk.evaluation (see DESIGN.md)."""

__all__: list[str] = []
