"""Matching informal Indonesian complaints to the answer library, and suggesting a unit."""

from bot.answers.match import AnswerDoc, Match, Matcher, matcher_for, rank
from bot.answers.normalize import normalize, tokens
from bot.answers.routing import Router, UnitProfile, suggest_units

__all__ = [
    "AnswerDoc",
    "Match",
    "Matcher",
    "Router",
    "UnitProfile",
    "matcher_for",
    "normalize",
    "rank",
    "suggest_units",
    "tokens",
]
