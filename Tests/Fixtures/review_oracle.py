"""Independent legal-review oracle for the tests: reads a generated export's raw
cases.csv and reviews.csv (no Sanxiang code involved) and applies the default
major-decision catalogue of pipeline.yml and the recheck limits.

Prints JSON: {"major": [...ids], "flag_disagreements": [...ids], "violations": {rule: [...ids]}}.
Working days come from PyPI chinesecalendar (installed into --deps when missing).
"""
import argparse
import csv
import datetime as dt
import json
import re
import sys
import unicodedata

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from calendar_oracle import load  # noqa: E402

HEAVY = {"降低资质等级", "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业"}
FINE_AT_LEAST = {"自然人": 10000_00}            # fen; every other party type 100000_00
CONFISCATION_AT_LEAST = 50000_00
TITLE_WORDS = ["重大公共利益"]
REQUEST_DAYS, ANSWER_DAYS = 3, 2
PASSING = {"同意", "修改后同意"}
CONCLUSIONS = {"同意", "修改后同意", "不同意", "退回补充材料"}

FULL = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


def date(text):
    t = (text or "").strip().translate(FULL)
    if not t:
        return None
    m = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", t) or re.match(r"^(\d{4})(\d{2})(\d{2})$", t)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def fen(text):
    t = (text or "").strip().translate(FULL).replace(",", "").replace("元", "")
    if not t:
        return 0
    scale = 1
    if t.endswith("万"):
        t, scale = t[:-1], 10000
    whole, _, frac = t.partition(".")
    value = int(whole) * 100 + int((frac + "00")[:2])
    return value * scale


def flag(text):
    return (text or "").strip().lower() in ("是", "y", "1", "true")


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True)
    ap.add_argument("--deps", required=True)
    a = ap.parse_args()
    cc = load(a.deps)

    def after(start, n):
        d = start
        while n:
            d += dt.timedelta(days=1)
            if cc.is_workday(d):
                n -= 1
        return d

    reviews = rows(a.export + "/reviews.csv")
    by_id = {r["审核编号"]: r for r in reviews}
    by_case = {r["案件编号"]: r for r in reviews}
    out = {"major": [], "flag_disagreements": [], "violations": {}}
    for c in rows(a.export + "/cases.csv"):
        cid = unicodedata.normalize("NFKC", c["案件编号"]).strip()
        kinds = {k.strip() for k in re.split(r"[;；]", c["处罚种类"] or "") if k.strip()}
        penalty = c["执法类别"] == "行政处罚"
        limit = FINE_AT_LEAST.get(c["当事人类型"], 100000_00)
        major = (penalty and (bool(kinds & HEAVY) or fen(c["罚款金额"]) >= limit
                              or fen(c["没收金额"]) >= CONFISCATION_AT_LEAST)) \
            or flag(c["听证"]) or any(w in c["案由"] for w in TITLE_WORDS)
        if major != flag(c["重大决定"]):
            out["flag_disagreements"].append(cid)
        if not major:
            continue
        out["major"].append(cid)
        found = []
        r = by_id.get((c["审核编号"] or "").strip()) or by_case.get(c["案件编号"])
        decided = date(c["决定日期"])
        if r is None:
            found.append("no_review")
        else:
            reviewed = date(r["审核日期"])
            if reviewed > decided:
                found.append("review_after_decision")
            requested, answered = date(r["复核申请日期"]), date(r["复核日期"])
            if requested:
                if requested > after(reviewed, REQUEST_DAYS):
                    found.append("recheck_request_late")
                if answered is None:
                    found.append("recheck_unanswered")
                else:
                    if answered > after(requested, ANSWER_DAYS):
                        found.append("recheck_answer_late")
                    if answered > decided:
                        found.append("recheck_after_decision")
            standing = r["复核结论"].strip() if r["复核结论"].strip() in CONCLUSIONS else r["审核结论"].strip()
            if standing not in PASSING:
                found.append("review_not_passed")
        for rule in found:
            out["violations"].setdefault(rule, []).append(cid)
    for v in out.values():
        if isinstance(v, list):
            v.sort()
    for v in out["violations"].values():
        v.sort()
    json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    main()
