"""vrurisk.features (see DESIGN.md)."""

__all__: list[str] = []
