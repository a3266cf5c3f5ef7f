"""Briefings: turn annotated news articles into a verified briefing site built with MkDocs."""

from __future__ import annotations

__version__ = "0.1.0"
