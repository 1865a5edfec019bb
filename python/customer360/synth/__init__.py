"""Synthetic multi-source customer data with ground truth (see run.generate and the CLI in __main__)."""

from .run import VERSION, generate

__all__ = ["generate", "VERSION"]
