"""Ingestion errors: each names the input, what went wrong and what to do."""

from __future__ import annotations


class IngestError(Exception):
    """One input could not be ingested. The run continues with the next input."""

    def __init__(self, source: str, problem: str, advice: str = ""):
        self.source, self.problem, self.advice = source, problem, advice
        message = f"{source}: {problem}"
        if advice:
            message += f" ({advice})"
        super().__init__(message)
