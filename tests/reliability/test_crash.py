"""Issue 7, crash: ``kill -9`` of ``python -m bot run`` at random points of its cycle, restarted
each time, on SQLite and PostgreSQL; afterwards every change is alerted exactly once per
subscribed Slack channel.

Each trial publishes a change item in a feed added to the config for this trial (every third
trial one more, appended to an earlier feed), starts the worker, and kills it in one of four
ways, taken in turn with random parameters:

- ``timer``: after a random delay (start-up, polling, judging or delivering, wherever it is);
- ``feed``: from the feed host, while the worker waits for the n-th feed body (feeds leased);
- ``post-unrecorded``: from the Slack stand-in on the n-th ``chat.postMessage``, before the
  message is recorded (the row is ``sending``, nothing arrived);
- ``post-recorded``: the same after the message is recorded (it arrived; the row still says
  ``sending``, so the restart must find it in the channel's history, not post it again).

A final ``run --once`` drains what the last trial left. The worker keeps one instance id across
restarts (a restarted replica), so it takes its own leases back at once.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter

import pytest

from .harness import Deployment, assert_exactly_once, kill, outbox_statuses, wait_for
from .servers import FeedTrigger, Item, PostTrigger
from .stories import change_items

TRIALS = int(os.environ.get("RELIABILITY_CRASH_TRIALS", "24"))
MODES = ("timer", "post-recorded", "feed", "post-unrecorded")
INSTANCE = "replica-a"
# how long a trial waits for its planned kill; the wait ends when the worker dies, so a loaded
# machine (a worker that took more than 10 s to reach its first fetch) costs only time
TRIGGER_TIMEOUT = 30.0


def _publish(deployment: Deployment, trial: int, items: list[Item], rng: random.Random) -> None:
    name = f"wire-{trial:02d}"
    deployment.feeds.publish(name, [items.pop()])
    if trial % 3 == 2:
        deployment.feeds.publish(rng.choice(deployment.feed_names), [items.pop()])
    deployment.feed_names.append(name)
    deployment.write_config()


def _one_trial(deployment: Deployment, mode: str, rng: random.Random) -> bool:
    """Start the worker and kill it as ``mode`` says; whether the planned trigger fired."""
    process = deployment.start(INSTANCE)

    def stop() -> None:
        kill(process)

    fired = True
    if mode == "timer":
        time.sleep(rng.uniform(0.3, 4.5))
    elif mode == "feed":
        deployment.feeds.trigger = FeedTrigger(nth=1, kill=stop)
        fired = wait_for(lambda: process.poll() is not None, TRIGGER_TIMEOUT)
    else:
        deployment.slack.trigger = PostTrigger(
            nth=rng.randint(1, 3), before=mode == "post-unrecorded", kill=stop
        )
        fired = wait_for(lambda: process.poll() is not None, TRIGGER_TIMEOUT)
    deployment.feeds.trigger = None
    deployment.slack.trigger = None
    kill(process)
    return fired


@pytest.mark.slow
def test_kill_9_at_random_points_loses_no_alert_and_doubles_none(
    deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = int(os.environ.get("RELIABILITY_SEED", str(time.time_ns() % 1_000_000)))
    rng = random.Random(seed)
    with capsys.disabled():
        print(f"\ncrash test: RELIABILITY_SEED={seed} repeats this run's choices")
    items = change_items(TRIALS + TRIALS // 3, seed=seed)
    served: dict[str, list[Item]] = {}
    modes: Counter[str] = Counter()
    left_sending = 0
    began = time.monotonic()

    for trial in range(TRIALS):
        _publish(deployment, trial, items, rng)
        mode = MODES[trial % len(MODES)]
        fired = _one_trial(deployment, mode, rng)
        modes[mode if fired else f"{mode} (timed out)"] += 1
        left_sending += int(outbox_statuses(deployment.database_url)["sending"] > 0)
    for name in deployment.feed_names:
        served[name] = deployment.feeds.feeds.get(name, [])
    before_drain = deployment.slack.total()

    deployment.run_once(INSTANCE)
    figures = assert_exactly_once(deployment, served)

    elapsed = time.monotonic() - began
    with capsys.disabled():
        print(
            f"crash test: {TRIALS} kill -9 trials {dict(modes)}; "
            f"{left_sending} kills left rows in `sending`; "
            f"{figures['items']} items → {figures['alerts']} alerts → {figures['messages']} "
            f"messages ({before_drain} before the final drain), "
            f"{deployment.slack.calls['conversations.history']} history look-ups; {elapsed:.0f} s"
        )
    assert modes["post-recorded"] >= 1, "no kill hit the window between send and mark-sent"
    assert left_sending >= 1
