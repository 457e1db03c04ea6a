"""Parse a holiday schedule file (text/CSV) into validated day entries; nothing is written here.

Format, one entry per line (comma or tab separated, UTF-8, ``#`` starts a comment, header optional)::

    # 国务院办公厅关于2027年部分节假日安排的通知
    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-05..2027-02-11,holiday,春节
    2027-02-14,workday,春节

``kind``: ``holiday`` (also 休, 休息, rest) for a statutory rest day, ``workday`` (also 班, 上班, makeup)
for a make-up working weekend. A range ``A..B`` gives every date from A to B inclusive.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from . import conf
from .choices import DayKind
from .errors import ImportInvalid

KIND_WORDS = {
    "holiday": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "休息": DayKind.HOLIDAY, "rest": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY, "班": DayKind.WORKDAY, "上班": DayKind.WORKDAY, "makeup": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
}
MAX_RANGE_DAYS = 31
MAX_LINES = 2000


@dataclass(frozen=True)
class ParsedDay:
    date: date
    kind: str
    name: str
    line: int


def _parse_date(text: str) -> date:
    return date.fromisoformat(text.strip())


def parse_calendar_file(text: str) -> list[ParsedDay]:
    """All entries of the file, or :class:`ImportInvalid` listing every bad line (``fields["line N"]``)."""
    text = text.lstrip("\ufeff")
    problems: dict[str, str] = {}
    days: list[ParsedDay] = []
    seen: dict[date, int] = {}
    first_year, last_year = conf.index_years()
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise ImportInvalid(_("文件超过 %(n)s 行") % {"n": MAX_LINES}, fields={"file": "too_long"})
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        delimiter = "\t" if "\t" in line else ","
        cells = [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delimiter))]
        if not days and not problems and cells and cells[0].lower() in ("date", "日期"):
            continue  # a header line before the first entry
        key = f"line {number}"
        if len(cells) < 2:
            problems[key] = _("每行至少需要“日期,类型”两列")
            continue
        kind = KIND_WORDS.get(cells[1].lower())
        if kind is None:
            problems[key] = _("未知类型 %(kind)r，应为 holiday（休）或 workday（班）") % {"kind": cells[1][:20]}
            continue
        name = cells[2] if len(cells) > 2 else ""
        if len(name) > 60:
            problems[key] = _("名称过长（最多60字）")
            continue
        try:
            if ".." in cells[0]:
                start_text, end_text = cells[0].split("..", 1)
                start, end = _parse_date(start_text), _parse_date(end_text)
            else:
                start = end = _parse_date(cells[0])
        except ValueError:
            problems[key] = _("日期格式应为 YYYY-MM-DD：%(value)r") % {"value": cells[0][:30]}
            continue
        if end < start or (end - start).days >= MAX_RANGE_DAYS:
            problems[key] = _("日期区间无效或超过 %(n)s 天") % {"n": MAX_RANGE_DAYS}
            continue
        current = start
        while current <= end:
            if not first_year <= current.year <= last_year:
                problems[key] = _("年份须在 %(first)s–%(last)s 之间") % {"first": first_year, "last": last_year}
                break
            if kind == DayKind.WORKDAY and current.weekday() < 5:
                problems[key] = _("%(day)s 是工作日（周一至周五），调休上班日应为周六或周日") % {"day": current.isoformat()}
                break
            if current in seen:
                problems[key] = _("%(day)s 与第 %(line)s 行重复") % {"day": current.isoformat(), "line": seen[current]}
                break
            seen[current] = number
            days.append(ParsedDay(current, kind, name, number))
            current += timedelta(days=1)
    if problems:
        raise ImportInvalid(fields=problems)
    if not days:
        raise ImportInvalid(_("文件中没有任何日期条目"), fields={"file": "empty"})
    return days
