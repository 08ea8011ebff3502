"""The scheduler: one lease holder among many processes, takeover, and the 5-hour acceptance run."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot import scheduler
from bot.scheduler import JOBS, Node, acquire, resolve
from store.db import make_engine

LEASE = timedelta(seconds=45)
# Minutes after receipt at which every node runs its jobs: around 3 h, 4 h 30 and 5 h, and later.
STEPS = [0, 1, 60, 179, 180, 181, 240, 269, 270, 271, 299, 300, 301, 360, 600]


def test_only_one_holder_and_renewal(engine, clock):
    now = clock()
    assert acquire(engine, holder="a", now=now, ttl=LEASE)
    assert not acquire(engine, holder="b", now=now + timedelta(seconds=10), ttl=LEASE)
    assert acquire(engine, holder="a", now=now + timedelta(seconds=15), ttl=LEASE)  # renewal
    assert not acquire(engine, holder="b", now=now + timedelta(seconds=59), ttl=LEASE)
    assert acquire(engine, holder="b", now=now + timedelta(seconds=61), ttl=LEASE)  # a stopped
    assert not acquire(engine, holder="a", now=now + timedelta(seconds=62), ttl=LEASE)


def test_takeover_within_a_minute_when_the_holder_stops(staff, desk, clock):
    a = Node(staff, desk, {}, clock=clock, holder="a")
    b = Node(staff, desk, {}, clock=clock, holder="b")
    assert a.tick() and not b.tick()
    died = clock()
    took = None
    for _ in range(8):  # b tries every renew interval (15 s); a never renews again
        clock.advance(seconds=15)
        if b.tick():
            took = clock() - died
            break
    assert took is not None and took <= timedelta(minutes=1)
    assert not a.leading() and not a.tick()
    assert b.leading()


def test_released_lease_is_taken_at_once(staff, desk, clock):
    a = Node(staff, desk, {}, clock=clock, holder="a")
    b = Node(staff, desk, {}, clock=clock, holder="b")
    assert a.tick()
    a.stop()
    clock.advance(seconds=1)
    assert b.tick()


@pytest.mark.parametrize("count", [1, 4], ids=["one-node", "four-nodes"])
def test_unanswered_ticket_reminded_at_3h_and_4h30_and_escalated_at_5h(
    probe, db_url, desk, clock, count
):
    start = clock()
    number = probe.complain(start)
    seen: dict[int, tuple[int, int, int]] = {}

    def state() -> tuple[int, int, int]:
        reminders = probe.audits("sla.reminder")
        return (
            sum(r.after["percent"] == 60 for r in reminders),
            sum(r.after["percent"] == 90 for r in reminders),
            len(probe.escalations()),
        )

    # run the nodes step by step, checking after each step
    barrier = threading.Barrier(count + 1)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        engine = make_engine(db_url)
        node = Node(engine, desk, {}, clock=clock, holder=f"node-{i}")
        try:
            for _ in STEPS:
                barrier.wait()
                node.run_once()
                barrier.wait()
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for minute in STEPS:
        clock.now = start + timedelta(minutes=minute)
        barrier.wait()
        barrier.wait()
        seen[minute] = state()
    for t in threads:
        t.join()
    assert not errors, errors

    assert seen[179] == (0, 0, 0)
    assert seen[180] == (1, 0, 0)  # 60 % of 5 h
    assert seen[269] == (1, 0, 0)
    assert seen[270] == (1, 1, 0)  # 90 %
    assert seen[299] == (1, 1, 0)
    assert seen[300] == (1, 1, 1)  # breach: the committee
    assert seen[600] == (1, 1, 1)
    (escalation,) = probe.escalations()
    assert escalation.reason == "sla_breach"
    assert escalation.ticket_id == probe.ticket(number).id
    # each DISHUB officer got each reminder once, on their own channel; nobody else got one
    budi = [m.body for m in probe.sent_to(probe.OFFICER) if m.body.startswith("PENGINGAT")]
    sari = [m.body for m in probe.sent_to(probe.OTHER_OFFICER) if m.body.startswith("PENGINGAT")]
    assert len(budi) == 2 and len(sari) == 2
    digests = [m for m in probe.sent_to(probe.OFFICER) if m.body.startswith("Ringkasan")]
    assert len(digests) == 1  # today's digest (it is past 07:00 WIB), once
    assert "60%" in budi[0] and "90%" in budi[1] and number in budi[0]
    assert probe.sent_to("+6281444444444") == []  # DINKES officer


def test_job_marks_alone_keep_concurrent_runs_to_one_send(probe, db_url, desk, clock):
    """Without the lease (four processes running the job at the same moment) the marks still hold."""
    from bot.jobs import sla_clock
    from store.db import session_scope

    start = clock()
    probe.complain(start)
    moment = start + timedelta(hours=3)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def worker() -> None:
        engine = make_engine(db_url)
        try:
            barrier.wait()
            with session_scope(engine) as s:
                results.append(sla_clock(s, now=moment, desk=desk))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert len(probe.sent_to(probe.OFFICER)) == 1


def test_every_job_resolves_and_optional_ones_are_skipped():
    for spec in JOBS:
        if not spec.optional:
            assert callable(resolve(spec)), spec.name
    missing = scheduler.JobSpec("x", "bot.nowhere:job", {"minutes": 1}, optional=True)
    assert resolve(missing) is None
    with pytest.raises(ImportError):
        resolve(scheduler.JobSpec("y", "bot.nowhere:job", {"minutes": 1}))


def test_apscheduler_gets_the_lease_and_every_job(staff, desk):
    node = Node(staff, desk, {})
    sched = scheduler.build(node)
    ids = {job.id for job in sched.get_jobs()}
    assert ids == {"lease", *(spec.name for spec in JOBS)}
    sched.start(paused=True)
    sched.shutdown(wait=False)


def test_a_node_without_the_lease_runs_nothing(probe, desk, clock):
    start = clock()
    probe.complain(start)
    holder = Node(probe.engine, desk, {}, clock=clock, holder="holder")
    other = Node(probe.engine, desk, {}, clock=clock, holder="other")
    assert holder.tick()
    clock.advance(hours=3)
    assert holder.tick()  # renewed (in life, every 15 s)
    assert other.run_once() == {}
    assert probe.audits("sla.reminder") == []
    assert holder.run_once()["sla_clock"] == 1


def test_four_real_processes_send_each_reminder_once(probe, db_url, clock):
    """Four OS processes, each its own scheduler node and engine, wake at the same moments."""
    import multiprocessing

    from bot.testing import scheduler_process

    start = clock()
    probe.complain(start)
    minutes = [180, 181, 270, 300, 301]
    moments = [start + timedelta(minutes=m) for m in minutes]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(5, timeout=120)
    procs = [
        ctx.Process(target=scheduler_process, args=(db_url, f"proc-{i}", moments, barrier))
        for i in range(4)
    ]
    for p in procs:
        p.start()
    seen = []
    try:
        for _ in moments:
            barrier.wait()
            barrier.wait()
            reminders = [r.after["percent"] for r in probe.audits("sla.reminder")]
            seen.append((sorted(reminders), len(probe.escalations())))
    finally:
        for p in procs:
            p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert seen == [([60], 0), ([60], 0), ([60, 90], 0), ([60, 90], 1), ([60, 90], 1)]
    reminders = [m for m in probe.sent_to(probe.OFFICER) if m.body.startswith("PENGINGAT")]
    assert len(reminders) == 2
