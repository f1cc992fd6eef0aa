"""``python -m boilerstrip`` runs the command line."""

from .cli.app import main

raise SystemExit(main())
