"""Run the `roi` command line in the test's own process and capture what it prints."""
import sys

import pytest

from roi.cli.main import main


def roi(capsys, *args) -> tuple[int, str, str]:
    """`roi ARGS` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    had_hypothesis = "hypothesis" in sys.modules
    try:
        with pytest.raises(SystemExit) as exit_:
            main(list(args))
    finally:
        if not had_hypothesis:   # main() blocks its import for the command; pytest's plugin may want it later
            sys.modules.pop("hypothesis", None)
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err
