"""Independent oracle for the contract v2 parts of the annual report and the supervision
report: reads an export's raw files (cases.csv / cases.json, deliveries.csv, agencies.csv,
EXPECTED_ERRORS.json) with the standard library only — no Sanxiang code — and prints JSON:

  status_changes  {agency: {year: {changed, withdrawn, changed_by_reason, withdrawn_by_reason}}}
                  by 状态日期, reasons mapped by hand from the generator's own sentences
  not_accepted    {agency: {year: n}}  不予受理 (no 受理日期) by 决定日期
  enforcement     {agency: {year: {执行方式: n}}}  by 决定日期
  set_aside       {by_agency: {agency: rows}, without_agency: rows}  from EXPECTED_ERRORS.json
  supervision     {decision_overruns, late_services, late_hearing_notices}: [[case_id, deadline, done, days, extended?]]

Only case rows not listed in EXPECTED_ERRORS.json count. Working days come from PyPI
chinesecalendar (installed into --deps when missing).
"""
import argparse
import csv
import datetime as dt
import io
import json
import re
import sys
import unicodedata

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from calendar_oracle import load  # noqa: E402

# The generator's 状态说明 sentences, each put under its category by hand.
REASONS = {
    "经行政复议，复议机关决定撤销该行政行为": "行政复议决定",
    "人民法院判决撤销": "人民法院裁判",
    "本机关发现认定事实不清，依法自行撤销": "本机关自行纠正",
    "适用法律错误，经本机关负责人集体讨论决定撤销": "本机关自行纠正",
    "经行政复议，复议机关决定变更罚款数额": "行政复议决定",
    "发现文书笔误，依法予以更正": "本机关自行纠正",
    "当事人申请延期缴纳罚款，经批准变更缴纳期限": "当事人申请",
    "经复核，变更裁量幅度": "本机关自行纠正",
}

HEADERS = {"案件编号": "case_id", "主体代码": "agency_code", "执法类别": "action_type", "程序": "procedure",
           "文书编号": "doc_no", "决定日期": "decision_date", "送达日期": "served_date", "状态": "status",
           "状态日期": "status_date", "状态说明": "status_reason", "立案日期": "filed_on", "办案经过": "procedure_narrative",
           "听证通知日期": "hearing_notified_on", "听证日期": "hearing_on", "受理日期": "accepted_on",
           "执行方式": "enforcement_method", "送达时间": "served_at", "送达方式": "method", "文书种类": "document"}


def norm(text):
    return unicodedata.normalize("NFKC", text or "").strip()


def date(text):
    t = norm(text)
    if not t:
        return None
    m = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", t) or re.match(r"^(\d{4})(\d{2})(\d{2})", t)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def text_of(path):
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def csv_rows(path):
    """(1-based data row, {key: value}) with Chinese or English headers."""
    try:
        reader = csv.DictReader(io.StringIO(text_of(path), newline=""))
    except FileNotFoundError:
        return []
    return [(i + 1, {HEADERS.get(norm(k), norm(k)): v for k, v in row.items() if k is not None})
            for i, row in enumerate(reader)]


def case_rows(export):
    out = [("cases.csv", n, r) for n, r in csv_rows(export + "/cases.csv")]
    try:
        objects = json.loads(text_of(export + "/cases.json"))
    except FileNotFoundError:
        objects = []
    for i, obj in enumerate(objects):
        out.append(("cases.json", i + 1, {k: ("" if v is None else str(v)) for k, v in obj.items()}))
    return out


def bump(table, agency, year, key=None):
    inner = table.setdefault(agency, {}).setdefault(str(year), {} if key else 0)
    if key:
        inner[key] = inner.get(key, 0) + 1
    else:
        table[agency][str(year)] = inner + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True)
    ap.add_argument("--deps", required=True)
    ap.add_argument("--as-of", required=True)
    a = ap.parse_args()
    cc = load(a.deps)
    as_of = dt.date.fromisoformat(a.as_of)

    def after(start, n):
        d = start
        while n:
            d += dt.timedelta(days=1)
            if cc.is_workday(d):
                n -= 1
        return d

    def working_days(deadline, through):
        return sum(1 for k in range(1, (through - deadline).days + 1) if cc.is_workday(deadline + dt.timedelta(days=k)))

    expected = json.load(open(a.export + "/EXPECTED_ERRORS.json", encoding="utf-8"))
    broken = {(e["file"], e["row"]) for e in expected}
    agencies = {norm(r["agency_code"]) for _, r in csv_rows(a.export + "/agencies.csv")}
    rows = case_rows(a.export)
    cases = [(f, n, r) for f, n, r in rows if (f, n) not in broken]
    # A child row belongs to its case's agency: an accepted case first, else a broken case row naming a known agency.
    agency_of_case = {}
    for _, _, r in cases + [x for x in rows if x not in cases and norm(x[2].get("agency_code")) in agencies]:
        agency_of_case.setdefault(norm(r["case_id"]), norm(r["agency_code"]))

    services = {}
    for _, d in csv_rows(a.export + "/deliveries.csv"):
        key = (norm(d["case_id"]), norm(d["doc_no"]))
        services.setdefault(key, []).append((date(d["served_at"]), norm(d["method"])))

    changes, not_accepted, enforcement = {}, {}, {}
    overruns, late_services, late_notices = [], [], []
    for _, _, c in cases:
        cid, agency, decided = norm(c["case_id"]), norm(c["agency_code"]), date(c["decision_date"])
        status, status_on = norm(c.get("status")), date(c.get("status_date"))
        if status in ("已变更", "已撤销"):
            entry = changes.setdefault(agency, {}).setdefault(str(status_on.year), {
                "changed": 0, "withdrawn": 0, "changed_by_reason": {}, "withdrawn_by_reason": {}})
            side = "changed" if status == "已变更" else "withdrawn"
            reason = {norm(k): v for k, v in REASONS.items()}[norm(c.get("status_reason"))]
            entry[side] += 1
            entry[side + "_by_reason"][reason] = entry[side + "_by_reason"].get(reason, 0) + 1
        if norm(c["action_type"]) == "行政许可" and not date(c.get("accepted_on")):
            bump(not_accepted, agency, decided.year)
        if norm(c.get("enforcement_method")):
            bump(enforcement, agency, decided.year, norm(c["enforcement_method"]))
        if norm(c["action_type"]) != "行政处罚":
            continue
        filed = date(c.get("filed_on"))
        if norm(c.get("procedure")) == "普通程序" and filed:
            deadline = filed + dt.timedelta(days=90)
            while not cc.is_workday(deadline):
                deadline += dt.timedelta(days=1)
            if decided > deadline:
                extended = "办案期限延长" in (c.get("procedure_narrative") or "")
                overruns.append([cid, deadline.isoformat(), decided.isoformat(), (decided - deadline).days, extended])
        deadline = after(decided, 7)
        served = [s for s in services.get((cid, norm(c["doc_no"])), [])]
        served_on = min(s[0] for s in served) if served else date(c.get("served_date"))
        upto = served_on or as_of
        if upto > deadline:
            late_services.append([cid, deadline.isoformat(), served_on.isoformat() if served_on else None,
                                  working_days(deadline, upto), False])
        hearing, notified = date(c.get("hearing_on")), date(c.get("hearing_notified_on"))
        if hearing and notified and working_days(notified, hearing) < 7:
            late_notices.append([cid, after(notified, 7).isoformat(), hearing.isoformat(), 7 - working_days(notified, hearing), False])

    by_agency, without = {}, 0
    raw = {(f, n): r for f, n, r in rows}
    raw.update({("officers.csv", n): r for n, r in csv_rows(a.export + "/officers.csv")})
    for file, row in sorted(broken):
        entry = next(e for e in expected if (e["file"], e["row"]) == (file, row))
        if file in ("cases.csv", "cases.json", "officers.csv"):
            code = norm(raw.get((file, row), {}).get("agency_code"))
        else:
            code = agency_of_case.get(norm(entry.get("case_id")), "")
        if code in agencies:
            by_agency[code] = by_agency.get(code, 0) + 1
        else:
            without += 1

    print(json.dumps({
        "status_changes": changes, "not_accepted": not_accepted, "enforcement": enforcement,
        "set_aside": {"by_agency": by_agency, "without_agency": without},
        "supervision": {"decision_overruns": sorted(overruns), "late_services": sorted(late_services),
                        "late_hearing_notices": sorted(late_notices)},
    }, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
