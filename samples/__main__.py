"""`python -m roi.samples`: same as `python -m roi.samples.generate`."""
from roi.samples.generate import main

if __name__ == "__main__":
    raise SystemExit(main())
