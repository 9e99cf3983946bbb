"""Independent leak check on a generated export: collects the personal data the
generator wrote (natural persons' names and ID numbers, phones, ID-like and card-like
numbers and witnesses' names in the prose) straight from cases.csv, leaves out what is
public by law (officers, legal representatives), and prints, as JSON, every value found
in a file under public/ (HTML, XML, JSON; PDFs through pdftotext)."""
import argparse
import csv
import json
import os
import re
import subprocess
import unicodedata


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True)
    ap.add_argument("--public", required=True)
    a = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(a.export, "cases.csv"), encoding="utf-8-sig")))
    secrets = set()
    public_numbers = set()
    for r in rows:
        if r["当事人类型"] == "自然人":
            secrets.add(r["证件号码"])
            secrets.add(r["当事人"])
        secrets.add(r["联系电话"])
        text = unicodedata.normalize("NFKC", r["违法事实"] + r["裁量说明"] + r["处理决定"])
        # Whole numbers only: a run of digits inside a longer code (a credit code) is not a phone.
        secrets.update(re.findall(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])", text))
        secrets.update(re.findall(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])", text))
        secrets.update(re.findall(r"(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])", text))
        # Public by law (contract v2): organisations' credit codes and the numbers of
        # permits and certificates (吊销《…许可证》（编号…）, 核发《…》（编号：…）).
        public_numbers.update(re.findall(r"统一社会信用代码[：:]?([0-9A-Z]{18})", text))
        public_numbers.update(re.findall(r"编号[：:]?([0-9A-Za-z]{6,30})", text))
        if r["当事人类型"] != "自然人":
            public_numbers.add(r["证件号码"])
        for name in re.findall(r"证人([\u4e00-\u9fa5]{2,3}?)(?:（|证实|的|，|陈述)", text):
            if "某" not in name:
                secrets.add(name)
    # Public by law (contract v2): the agency's 缴款账号, which decisions print for paying the fine.
    for r in csv.DictReader(open(os.path.join(a.export, "agencies.csv"), encoding="utf-8-sig")):
        public_numbers.add(unicodedata.normalize("NFKC", r.get("缴款账号") or r.get("payment_account") or "").strip())
    public_people = {r["姓名"] for r in csv.DictReader(open(os.path.join(a.export, "officers.csv"), encoding="utf-8-sig"))}
    public_people |= {r["法定代表人"] for r in rows if r["法定代表人"]}
    secrets = {s.strip() for s in secrets if s and len(s.strip()) >= 2} - public_people - public_numbers
    served = {}
    for root, _, files in os.walk(a.public):
        for f in files:
            path = os.path.join(root, f)
            if f.endswith(".pdf"):
                text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
                served[path] = text + text.replace("\n", "")
            else:
                served[path] = open(path, encoding="utf-8", errors="replace").read()
    leaks = sorted({(s, os.path.relpath(p, a.public)) for s in secrets for p, t in served.items() if s in t})
    print(json.dumps({"secrets": len(secrets), "files": len(served), "leaks": leaks}, ensure_ascii=False))


if __name__ == "__main__":
    main()
