from __future__ import annotations

import threading

import pytest

from tapdesk.app.services import Prepared, built


class Thing:
    def __init__(self) -> None:
        self.closed = False

    def hello(self) -> str:
        return "hi"

    def close(self) -> None:
        self.closed = True


def test_prepared_builds_once_on_first_use_from_any_thread() -> None:
    builds: list[int] = []

    def build() -> Thing:
        builds.append(1)
        return Thing()

    value = Prepared(build, name="thing")
    assert builds == [] and not built(value)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(value.hello())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["hi"] * 8 and builds == [1] and built(value)


def test_a_build_error_reaches_every_user_and_close_never_builds() -> None:
    def broken() -> Thing:
        raise RuntimeError("no keyring")

    value = Prepared(broken, name="broken")
    value.close()  # nothing built: nothing to close, and no build forced
    for _ in range(2):
        with pytest.raises(RuntimeError):
            value.hello()


def test_parts_stand_in_for_attributes() -> None:
    class Whole:
        def __init__(self) -> None:
            self.thing = Thing()

    whole = Prepared(Whole, name="whole")
    part = whole.part("thing")
    part.close()
    assert not built(part)
    assert part.hello() == "hi" and built(part)
    part.close()
    assert whole.get().thing.closed
