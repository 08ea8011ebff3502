"""Matching informal Indonesian complaints to the answer library (a simple ranking for now)."""

from bot.answers.match import AnswerDoc, Match, rank

__all__ = ["AnswerDoc", "Match", "rank"]
