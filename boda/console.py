"""What every `boda` command shares: settings with logging, and one-line refusals."""

from __future__ import annotations

import logging

from shared.config import Settings, get_settings


class CommandError(Exception):
    """What went wrong, said in one line to the person at the terminal."""


def configured_settings() -> Settings:
    """The process's settings, with logging set up as they say."""
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s",
    )
    return settings
