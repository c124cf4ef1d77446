"""vrurisk.reports (see DESIGN.md)."""

__all__: list[str] = []
