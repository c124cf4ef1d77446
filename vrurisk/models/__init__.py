"""vrurisk.models (see DESIGN.md)."""

__all__: list[str] = []
