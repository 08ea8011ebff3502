"""`aduan eval routing|answers`: measure routing and answer matching on labelled files.

A contract: outside checks call these exactly so and read the one JSON line they print.
"""

from __future__ import annotations

import json

import click


@click.group("eval")
def eval_group() -> None:
    """Measure routing and answer matching on labelled files."""


@eval_group.command("routing")
@click.option("--train", "train", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--test", "test", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
def eval_routing_command(train: str, test: str, out: str) -> None:
    """Train on TRAIN (text,unit) as routed history, predict TEST, write text,expected,predicted."""
    from pathlib import Path

    from bot.answers.evaluate import eval_routing

    try:
        metrics = eval_routing(Path(train), Path(test), Path(out))
    except (ValueError, KeyError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(metrics))


@eval_group.command("answers")
@click.option("--library", "library", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--test", "test", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="Minimum confidence to answer (default: answers.draft_threshold, 0.3).",
)
def eval_answers_command(library: str, test: str, out: str, threshold: float | None) -> None:
    """Match TEST questions (text,answer_id) against LIB.json; write text,expected,predicted."""
    from pathlib import Path

    from bot.answers.evaluate import eval_answers
    from bot.config import AnswersConfig

    cut = AnswersConfig().draft_threshold if threshold is None else threshold
    try:
        metrics = eval_answers(Path(library), Path(test), Path(out), cut)
    except (ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(metrics))
