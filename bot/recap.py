"""The monthly recap (rekapitulasi bulanan, DESIGN §9): figures from plain ticket facts. Pure.

Definitions (also in docs/DESIGN-NOTES.md): the month is a calendar month in the desk's time zone; a
ticket belongs to the month it was received in; "answered" means a first answer before the cutoff
(the end of the month, or now while the month runs); within SLA means first answer <= due time, as a
share of all tickets received; median and p90 are of hours to the first answer (p90 by nearest rank);
open = not answered and not closed at the cutoff, overdue = open and past due; a ticket closed
without an answer (a duplicate, spam, a complaint withdrawn) is counted apart, as
`closed_unanswered`: it waits for nothing, but it was not answered either, so it is never on time.
The first officer action within 15 minutes (SOP step 2) is a share of the tickets that needed an
officer, counted on the SLA clock (`_acted_quickly`). Steps 3 and 4 (`_steps`): the analysis within
15 minutes of the step before it (the first other officer action, else receipt), the documentation
(a staff close with a reason) within 30 minutes of the analysis (else of receipt), each as a share
of the tickets where the step happened, on the same clock, with the tickets that lack it counted
apart. Ethics tickets count in the overall figures only: units never see them, not even as a number.

"By channel" counts how the complaint came in (`source`), not the gateway that replies: SMS (Twilio
SMS, Kannel, Gammu), WhatsApp (Twilio's WhatsApp and the WhatsApp Cloud API together: the same app
for the citizen), Telegram, and "Loket/telepon" for a complaint an officer typed in at the desk.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sla import OfficeHours, between

FIRST_ACTION = timedelta(minutes=15)  # DESIGN §1 step 2: receive and check
ANALYSIS = timedelta(minutes=15)  # step 3: analyse the problem and the rules, recommend
DOCUMENTATION = timedelta(minutes=30)  # step 4: document the complaint and its resolution


@dataclass(frozen=True)
class TicketFacts:
    """What the recap needs of one ticket (the phone is already masked)."""

    number: str
    unit_code: str
    channel: str
    priority: str
    status: str
    received_at: datetime
    due_at: datetime
    first_answer_at: datetime | None
    closed_at: datetime | None = None
    ethics: bool = False
    transferred: bool = False
    reopened: bool = False
    escalated: bool = False
    satisfied: bool | None = None
    phone: str = ""
    source: str = ""  # how it came in (`source`); "" counts it under its channel's name
    first_action_at: datetime | None = None  # the first thing a staff account did on it
    analysed_at: datetime | None = None  # the analysis' first save (SOP step 3)
    documented_at: datetime | None = None  # the first staff close with a reason (step 4)


SOURCES = {  # the recap's "by channel" rows, in this order; the main four always shown
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "loket": "Loket/telepon",
}


def source(channel: str, address: str, *, from_desk: bool) -> str:
    """How a ticket came in, for the recap: a desk intake whatever gateway replies, WhatsApp on
    either provider (Twilio marks it by the `whatsapp:` address), else the channel's kind."""
    if from_desk:
        return "loket"
    if channel == "whatsapp" or address.startswith("whatsapp:"):
        return "whatsapp"
    if channel in ("twilio", "kannel", "gammu"):
        return "sms"
    return channel  # telegram, the simulator, a channel added later


@dataclass(frozen=True)
class Figures:
    received: int
    answered: int
    within_sla: int
    within_sla_pct: float | None
    median_hours: float | None
    p90_hours: float | None
    open: int
    overdue: int
    closed_unanswered: int
    transferred: int
    escalated: int
    ethics: int
    reopened: int
    satisfied: int
    unsatisfied: int
    satisfaction_pct: float | None
    first_action_15_pct: float | None = None
    analysis_15_pct: float | None = None
    without_analysis: int = 0
    documentation_30_pct: float | None = None
    closed_undocumented: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Recap:
    month: str  # YYYY-MM
    start: datetime
    end: datetime
    cutoff: datetime
    overall: Figures
    units: dict[str, Figures]
    tickets: list[TicketFacts]


def month_bounds(month: str, tz: str) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one, in the desk's zone."""
    first = date.fromisoformat(f"{month}-01")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = ZoneInfo(tz)
    return datetime(first.year, first.month, 1, tzinfo=zone), datetime(
        after.year, after.month, 1, tzinfo=zone
    )


def previous_month(moment: datetime, tz: str) -> str:
    """The month before the one `moment` falls in, as YYYY-MM."""
    local = moment.astimezone(ZoneInfo(tz))
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def nearest_rank(values: list[float], share: float) -> float | None:
    """The value at rank ceil(share * n) of the sorted values (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _needing_officer(tickets: list[TicketFacts], cutoff: datetime) -> list[TicketFacts]:
    """The tickets an officer had to handle: not those the bot answered before any officer acted
    (an auto-sent answer)."""

    def by_bot(t: TicketFacts) -> bool:
        answer = t.first_answer_at
        return answer is not None and answer < cutoff and not _acted_by(t, answer)

    return [t for t in tickets if not by_bot(t)]


def _acted_quickly(
    tickets: list[TicketFacts], cutoff: datetime, office: OfficeHours | None
) -> float | None:
    """The share of tickets an officer had to handle whose first officer action came within
    `FIRST_ACTION` of receipt (SOP step 2: receive and check in 15 minutes), on the SLA clock."""
    needing = _needing_officer(tickets, cutoff)
    quick = [
        t
        for t in needing
        if _acted_by(t, cutoff)
        and between(t.received_at, t.first_action_at, office) <= FIRST_ACTION  # type: ignore[arg-type]
    ]
    return _pct(len(quick), len(needing))


def _acted_by(t: TicketFacts, moment: datetime) -> bool:
    return t.first_action_at is not None and t.first_action_at <= moment


def _before(moment: datetime | None, cutoff: datetime) -> bool:
    return moment is not None and moment < cutoff


def _analysis_start(t: TicketFacts) -> datetime:
    """Where step 3 starts: the end of step 2, the first officer action other than the analysis
    itself; receipt when the analysis was the first thing an officer did."""
    acted, analysed = t.first_action_at, t.analysed_at
    if acted is not None and analysed is not None and acted < analysed:
        return acted
    return t.received_at


def _documentation_start(t: TicketFacts) -> datetime:
    """Where step 4 starts: the analysis, or receipt when there was none before the documentation."""
    analysed, documented = t.analysed_at, t.documented_at
    if analysed is not None and documented is not None and analysed <= documented:
        return analysed
    return t.received_at


def _steps(
    tickets: list[TicketFacts], cutoff: datetime, office: OfficeHours | None
) -> tuple[float | None, int, float | None, int]:
    """SOP steps 3 and 4 (DESIGN §1) as of the cutoff, on the SLA clock: the share of analysed
    tickets analysed within `ANALYSIS` of the step before, the tickets an officer had to handle with
    no analysis, the share of documented tickets documented within `DOCUMENTATION` of the analysis,
    and the closed tickets an officer had to handle that no officer documented."""
    analysed = [t for t in tickets if _before(t.analysed_at, cutoff)]
    quick = [
        t
        for t in analysed
        if between(_analysis_start(t), t.analysed_at, office) <= ANALYSIS  # type: ignore[arg-type]
    ]
    documented = [t for t in tickets if _before(t.documented_at, cutoff)]
    prompt = [
        t
        for t in documented
        if between(_documentation_start(t), t.documented_at, office) <= DOCUMENTATION  # type: ignore[arg-type]
    ]
    needing = _needing_officer(tickets, cutoff)
    unanalysed = sum(not _before(t.analysed_at, cutoff) for t in needing)
    undocumented = sum(
        _before(t.closed_at, cutoff) and not _before(t.documented_at, cutoff) for t in needing
    )
    return (
        _pct(len(quick), len(analysed)),
        unanalysed,
        _pct(len(prompt), len(documented)),
        undocumented,
    )


def figures(
    tickets: list[TicketFacts], cutoff: datetime, office: OfficeHours | None = None
) -> Figures:
    """The recap figures for a set of tickets received in one month (`office`: the SLA clock's
    calendar, for the SOP step figures)."""
    answered = [t for t in tickets if t.first_answer_at is not None and t.first_answer_at < cutoff]
    within = [t for t in answered if t.first_answer_at <= t.due_at]  # type: ignore[operator]
    hours = [(t.first_answer_at - t.received_at).total_seconds() / 3600 for t in answered]  # type: ignore[operator]
    done = {t.number for t in answered}
    closed = {
        t.number
        for t in tickets
        if t.number not in done and t.closed_at is not None and t.closed_at < cutoff
    }
    waiting = [t for t in tickets if t.number not in done and t.number not in closed]
    yes = sum(t.satisfied is True for t in tickets)
    no = sum(t.satisfied is False for t in tickets)
    median = round(statistics.median(hours), 2) if hours else None
    p90 = nearest_rank(hours, 0.9)
    analysis_pct, unanalysed, documentation_pct, undocumented = _steps(tickets, cutoff, office)
    return Figures(
        received=len(tickets),
        answered=len(answered),
        within_sla=len(within),
        within_sla_pct=_pct(len(within), len(tickets)),
        median_hours=median,
        p90_hours=round(p90, 2) if p90 is not None else None,
        open=len(waiting),
        overdue=sum(t.due_at < cutoff for t in waiting),
        closed_unanswered=len(closed),
        transferred=sum(t.transferred for t in tickets),
        escalated=sum(t.escalated for t in tickets),
        ethics=sum(t.ethics for t in tickets),
        reopened=sum(t.reopened for t in tickets),
        satisfied=yes,
        unsatisfied=no,
        satisfaction_pct=_pct(yes, yes + no),
        first_action_15_pct=_acted_quickly(tickets, cutoff, office),
        analysis_15_pct=analysis_pct,
        without_analysis=unanalysed,
        documentation_30_pct=documentation_pct,
        closed_undocumented=undocumented,
        by_channel=_by_channel(tickets),
    )


def _by_channel(tickets: list[TicketFacts]) -> dict[str, int]:
    """Tickets per `source`: sms, whatsapp, telegram and loket always (0 included), then any other
    in name order (`SOURCES` has the labels to show)."""
    counts = Counter(t.source or t.channel for t in tickets)
    main = {key: counts.pop(key, 0) for key in SOURCES}
    return main | dict(sorted(counts.items()))


def compute(
    tickets: list[TicketFacts],
    month: str,
    *,
    tz: str,
    now: datetime,
    office: OfficeHours | None = None,
) -> Recap:
    """The recap of a month: overall (ethics included) and per unit (ethics left out)."""
    start, end = month_bounds(month, tz)
    cutoff = min(now, end)
    mine = sorted((t for t in tickets if start <= t.received_at < end), key=lambda t: t.received_at)
    codes = sorted({t.unit_code for t in mine if not t.ethics})
    units = {
        c: figures([t for t in mine if t.unit_code == c and not t.ethics], cutoff, office)
        for c in codes
    }
    return Recap(month, start, end, cutoff, figures(mine, cutoff, office), units, mine)
