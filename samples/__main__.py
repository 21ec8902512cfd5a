"""`python -m samples`: same as `python -m samples.generate`."""
from samples.generate import main

if __name__ == "__main__":
    raise SystemExit(main())
