"""``python -m chiso.cli_main`` runs the ``chiso`` console command (for environments where the
console script is not on PATH)."""

from chiso.cli import main

main()
