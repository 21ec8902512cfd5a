"""`python -m roi`: the `roi` command line."""
from roi.cli.main import main

main()
