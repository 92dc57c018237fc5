"""Calendar quarters: the roadmap's columns ("2026-Q3" in a link, "Q3 2026" on the page)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

CODE = re.compile(r"^(\d{4})-Q([1-4])$")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, code: str) -> "Quarter | None":
        """``"2026-Q3"`` as a quarter; None for anything else (or a year outside 2000–2100)."""
        match = CODE.match(code or "")
        if not match or not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
            return None
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.shifted(1).first_day - timedelta(days=1)

    def shifted(self, quarters: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def __str__(self) -> str:
        return self.label
