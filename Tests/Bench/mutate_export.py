#!/usr/bin/env python3
"""Changes 1 % of an export's cases in place, deterministically, for the nightly benchmark.

Every 100th case (the 100th, 200th, ... data row of cases.csv, and the 100th, 200th, ...
object of cases.json) gets a later 更新时间 and one more sentence at the end of its
违法事实, as an edit in the case system would leave it. Everything else is written back
as it was read (encoding, BOM, line ends, column order, unknown columns), so only those
cases' content hashes change. Same input, same output: no clock, no randomness.

    python3 Tests/Bench/mutate_export.py --export DIR [--every 100]
"""
import argparse
import csv
import io
import json
import os
import sys

# Pinned: the benchmark's runs are all --as-of the export date, 2026-01-06.
UPDATED_AT = "2026-01-06 01:30:00"
# No digit runs, names or addresses: redaction must leave it as it is.
SENTENCE = "经复查，执法人员补充调取了现场照片，与原认定事实一致。"

FACTS_KEYS = ("违法事实", "facts")
UPDATED_KEYS = ("更新时间", "updated_at")


def read_text(path):
    """The file's text and how to write it back: encoding (with BOM or not)."""
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def column(header, names):
    for name in names:
        if name in header:
            return header.index(name)
    sys.exit(f"cases.csv: no column {' / '.join(names)}")


def mutate_csv(path, every):
    text, encoding = read_text(path)
    line_end = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    facts, updated = column(header, FACTS_KEYS), column(header, UPDATED_KEYS)
    changed = 0
    for number in range(every, len(rows), every):
        row = rows[number]
        if len(row) <= max(facts, updated):
            continue  # a blank trailing line
        row[updated] = UPDATED_AT
        row[facts] = row[facts] + SENTENCE
        changed += 1
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=line_end)
    for row in rows:
        writer.writerow(row) if row else out.write(line_end)
    with open(path, "w", encoding=encoding, newline="") as handle:
        handle.write(out.getvalue())
    return changed


def mutate_json(path, every):
    text, encoding = read_text(path)
    cases = json.loads(text)
    changed = 0
    for index in range(every - 1, len(cases), every):
        item = cases[index]
        item["updated_at"] = UPDATED_AT
        item["facts"] = (item.get("facts") or "") + SENTENCE
        changed += 1
    with open(path, "w", encoding=encoding) as handle:
        json.dump(cases, handle, ensure_ascii=False, indent=1)
    return changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", required=True)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()
    changed = 0
    csv_path = os.path.join(args.export, "cases.csv")
    json_path = os.path.join(args.export, "cases.json")
    if os.path.exists(csv_path):
        changed += mutate_csv(csv_path, args.every)
    if os.path.exists(json_path):
        changed += mutate_json(json_path, args.every)
    print(f"changed {changed} cases (every {args.every}th)")


if __name__ == "__main__":
    main()
