"""Where rows come from: export files (files.py) and, per platform, API clients; the registry finds them."""
