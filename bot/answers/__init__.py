"""Matching informal Indonesian complaints to the answer library, and suggesting a unit."""

from bot.answers.match import AnswerDoc, Match, rank
from bot.answers.routing import UnitProfile, suggest_units

__all__ = ["AnswerDoc", "Match", "UnitProfile", "rank", "suggest_units"]
