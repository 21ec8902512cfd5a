"""Errors meant for users: one line each, saying what failed, where, and what to do."""


class RoiError(Exception):
    """A failure the user can act on; its message is shown as is, without a traceback."""


class ConfigError(RoiError):
    """Bad usage or configuration (exit code 2)."""


class LoadError(RoiError):
    """A source's load failed (exit code 1); other sources go on."""
