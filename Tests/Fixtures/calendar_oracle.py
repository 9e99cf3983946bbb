"""Independent working-day oracle for the calendar tests: PyPI chinesecalendar.

Prints one line per start date from 2019-01-01 to 2026-12-31 and each N:
    YYYY-MM-DD N YYYY-MM-DD     (the date N working days after the start)
    YYYY-MM-DD N -              (the oracle has no data for a day it needs)
Installs chinesecalendar into --deps (a private folder) when it is missing.
"""
import argparse
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pydeps import require  # noqa: E402


def load(deps):
    return require(deps, "chinese_calendar", "chinesecalendar==1.11.0")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deps", required=True)
    ap.add_argument("--n", default="3,5,7,20")
    a = ap.parse_args()
    cc = load(a.deps)
    ns = [int(x) for x in a.n.split(",")]
    day = dt.date(2019, 1, 1)
    out = []
    while day <= dt.date(2026, 12, 31):
        for n in ns:
            d, left = day, n
            try:
                while left:
                    d += dt.timedelta(days=1)
                    if cc.is_workday(d):
                        left -= 1
                out.append("%s %d %s" % (day.isoformat(), n, d.isoformat()))
            except NotImplementedError:
                out.append("%s %d -" % (day.isoformat(), n))
        day += dt.timedelta(days=1)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
