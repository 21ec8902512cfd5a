"""Run the `roi` command line in the test's own process and capture what it prints."""
import sys

import pytest

from roi.cli.main import main


def roi(capsys, *args) -> tuple[int, str, str]:
    """`roi ARGS` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = call(*args)
    out = capsys.readouterr()
    return code, out.out, out.err


def call(*args) -> int:
    """`roi ARGS` in this process, its output left to the caller (a fixture's loads): the exit code."""
    blocked = [name for name in ("hypothesis", "pandas") if name not in sys.modules]
    try:
        with pytest.raises(SystemExit) as exit_:
            main(list(args))
    finally:
        for name in blocked:   # main() blocks their import for the command; later tests may want them
            if sys.modules.get(name, ...) is None:
                sys.modules.pop(name, None)
    return exit_.value.code
