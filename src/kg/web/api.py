"""Placeholder: to be written (issue 4)."""
from __future__ import annotations

import contextlib


def routes(site) -> list:
    return []
