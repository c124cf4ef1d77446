"""``python -m vrurisk.cli``: the same as the ``vrurisk`` command."""

from vrurisk.cli import main

main()
