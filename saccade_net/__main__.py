"""`python -m saccade_net` is the `saccade-net` command."""

from .cli import main

raise SystemExit(main())
