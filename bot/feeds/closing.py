"""What the fetching room's long-lived objects share: ``async with`` gives the object itself and
closes it on the way out, whatever the exit."""

from __future__ import annotations

from typing import Self


class Closing:
    """``async with thing`` is ``thing``, closed by :meth:`aclose` on leaving."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        raise NotImplementedError
