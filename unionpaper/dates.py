"""Chinese date formatting used in citations, titles and mastheads."""

import datetime

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def weekday_zh(date: datetime.date) -> str:
    """Return the weekday as printed on the masthead, e.g. 星期日."""
    return WEEKDAYS[date.weekday()]


def date_zh(date: datetime.date) -> str:
    """Return the date as the paper prints it: 2023年01月01日."""
    return f"{date.year:04d}年{date.month:02d}月{date.day:02d}日"
