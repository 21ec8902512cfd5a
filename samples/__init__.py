"""Bundled demo exports (demo/) and the deterministic generator that writes them (`python -m roi.samples`):
the simulated business in seasons.py, business.py, shop.py and simulation.py
(media_effects.py: the full demo's known effects of the ads); one module per export kind in
exports/; the command in generate.py."""
