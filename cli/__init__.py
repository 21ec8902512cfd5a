"""The `roi` command line (main.py) and what its read-only commands print (show.py, status.py)."""
