#!/usr/bin/env python3
"""Baseline benchmark: Typst rendering 行政处罚决定书 from a case-system export.

    python3 Tests/Bench/typst_baseline.py --input EXPORT_DIR [--documents N] [--keep DIR]

Takes the first N 行政处罚 cases of the export (cases.csv rows in order, then
cases.json), builds a GB/T 9704-2012 style decision for each and compiles it
to PDF with the `typst` PyPI package (typst-py), once on one core and once
with two worker processes. The last two lines of output are the figures:

    typst-1core documents=N pages=P seconds=S ms_per_document=X
    typst-2cores documents=N pages=P seconds=S ms_per_document=X

Only the compile loop is timed. Font discovery and the first use of each font
(parsing the large CJK .ttc collections) happen in a warm-up compile before
the clock starts, once per process, as a long-running renderer would do.
Standard library plus `typst` only.
"""
import argparse
import collections
import csv
import datetime as dt
import decimal
import io
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

try:
    import typst
except ImportError:
    sys.exit("typst_baseline.py needs the Typst Python binding. Install it with:\n    pip install typst")

FONT_DIR = "/usr/share/fonts/opentype/noto"
FONT_FILES = ["NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"]

# The document is one fixed Typst template; each case arrives as a JSON string
# in sys.inputs. User data is therefore never parsed as markup, so no escaping
# is needed, and Typst can reuse its parse of the template between documents.
TEMPLATE = r"""
#let d = json(bytes(sys.inputs.case))
#let serif = "Noto Serif CJK SC"
#let sans = "Noto Sans CJK SC"
// GB/T 9704: 22 lines fill the 225 mm text block. With the line box set to
// exactly 1em (16pt) below, the gap between lines is the pitch minus 16pt.
#let gap = 225mm / 22 - 16pt

#set document(title: d.agency + "行政处罚决定书")
#set page(
  paper: "a4",
  margin: (top: 37mm, left: 28mm, right: 26mm, bottom: 35mm),
  // 页码: 4号 with an 一字线 each side, 7 mm below the text block,
  // odd pages right and even pages left, one character in from the edge.
  footer-descent: 7mm,
  footer: context {
    let n = counter(page).get().first()
    set text(size: 14pt)
    set par(first-line-indent: 0pt)
    if calc.odd(n) { align(right, pad(right: 1em)[— #n —]) } else { align(left, pad(left: 1em)[— #n —]) }
  },
)
#set text(font: serif, size: 16pt, lang: "zh", region: "cn", top-edge: 0.88em, bottom-edge: -0.12em)
#set par(leading: gap, spacing: gap, justify: true, first-line-indent: (amount: 2em, all: true))
#set block(spacing: gap)

#let unindented(body) = block(width: 100%, { set par(first-line-indent: 0pt); body })
// Section headings in 黑体 (Noto Sans), kept with the paragraph that follows.
#let section(t) = block(sticky: true, par(text(font: sans, t)))
#let paras(xs) = for x in xs { par(x) }

#unindented(align(center, text(size: 22pt, weight: "bold", top-edge: "cap-height", bottom-edge: "baseline")[
  #set par(leading: 0.6em)
  #d.agency \ 行政处罚决定书
]))
#v(16pt)
#unindented(align(right, d.doc_no))
#v(16pt)

#for (k, v) in d.party { par(k + "：" + v) }

#section[一、违法事实]
#paras(d.facts)

#section[二、证据]
#par("上述事实有以下证据证明：" + d.evidence.enumerate().map(((i, e)) => str(i + 1) + "." + e).join("；") + "。")

#section[三、违法依据和处罚依据]
#par[当事人的上述行为违反了#(d.violated)的规定，依据#(d.penalty)的规定，应当依法予以行政处罚。]

#section[四、裁量说明]
#paras(d.discretion)

#section[五、处理决定]
#paras(d.decision)
#if d.fine != "" { par[罚款金额：#(d.fine)。] }

#section[六、履行方式和期限]
#if d.fine != "" {
  par[当事人应当自收到本决定书之日起十五日内，将罚款缴至指定银行或者通过电子支付系统缴纳。到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款。]
} else {
  par[当事人应当自收到本决定书之日起十五日内履行本决定。]
}

#section[七、救济途径]
#par[当事人如不服本处罚决定，可以自收到本决定书之日起六十日内向#(d.recon)申请行政复议，或者在六个月内依法向#(d.court)提起行政诉讼。]

// 发文机关署名 centred over the 成文日期, which stands four characters from the right.
#v(16pt + gap)
#align(right, pad(right: 4em, grid(align: center, row-gutter: gap, d.agency, d.date)))
"""

# Header -> key for the columns this benchmark uses (headers may be Chinese or the English key).
CASE_HEADERS = {
    "执法类别": "action_type", "主体代码": "agency_code", "文书编号": "doc_no", "当事人类型": "party_type",
    "当事人": "party_name", "证件类型": "party_id_type", "证件号码": "party_id_no", "法定代表人": "legal_rep",
    "住所": "party_address", "违法事实": "facts", "证据": "evidence", "违法依据": "violated_provisions",
    "处罚依据": "penalty_provisions", "裁量说明": "discretion", "处理决定": "decision", "罚款金额": "fine_amount",
    "决定日期": "decision_date", "案件编号": "case_id",
}
AGENCY_HEADERS = {"主体代码": "agency_code", "主体名称": "name", "复议机关": "reconsideration_body", "管辖法院": "court"}

UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"


# ---------------------------------------------------------------- reading the export

def read_text(path):
    # Exports do not say their encoding; a GB18030 file almost never decodes as UTF-8.
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def read_csv(path, headers):
    rows = csv.reader(io.StringIO(read_text(path), newline=""))
    header = next(rows, [])
    keys = [headers.get(h.strip(), h.strip()) for h in header]
    for row in rows:
        if any(cell.strip() for cell in row):
            yield {k: v for k, v in zip(keys, row) if k}


def code(s):
    """Normalise a code-like field (dates, amounts, ids): full-width letters, digits, spaces -> ASCII."""
    return unicodedata.normalize("NFKC", str(s or "")).strip()


def parse_date(s):
    s = code(s)
    m = (re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s))
    try:
        return dt.date(*map(int, m.groups())) if m else None
    except ValueError:
        return None


def parse_yuan(v):
    """'50000', '50,000.00', '50000元', '5万元', 50000 -> Decimal yuan; None when empty or unreadable."""
    if v is None or isinstance(v, bool):
        return None
    s = code(v).replace(",", "").replace(" ", "").removesuffix("元")
    scale = 1
    if s.endswith("万"):
        s, scale = s[:-1], 10000
    try:
        return decimal.Decimal(s) * scale if s else None
    except decimal.InvalidOperation:
        return None


def rmb_upper(cents):
    """Amount in cents -> 大写 as written on Chinese financial documents, e.g. 1050000 -> 壹万零伍佰元整."""
    yuan, rest = divmod(cents, 100)
    groups = []                       # 4-digit groups, least significant first (个, 万, 亿)
    while True:
        groups.append(yuan % 10000)
        yuan //= 10000
        if not yuan:
            break
    out = ""
    for gi in reversed(range(len(groups))):
        g = groups[gi]
        # A run of zeros is read as one 零, and only between non-zero digits.
        if out and g < 1000 and not out.endswith("零"):
            out += "零"
        if not g:
            continue
        for p in (3, 2, 1, 0):
            digit = g // 10 ** p % 10
            if digit:
                out += UPPER_DIGITS[digit] + ("", "拾", "佰", "仟")[p]
            elif g % 10 ** p and not out.endswith("零") and g // 10 ** p:
                out += "零"
        out += ("", "万", "亿", "万亿")[gi]
    out = (out.rstrip("零") or "零") + "元"
    if not rest:
        return out + "整"
    jiao, fen = divmod(rest, 10)
    out += UPPER_DIGITS[jiao] + "角" if jiao else "零"
    return out + (UPPER_DIGITS[fen] + "分" if fen else "")


def split_paragraphs(s):
    return [p.strip() for p in str(s or "").splitlines() if p.strip()] or [""]


def as_list(v, pattern=r"[；;\n]"):
    if isinstance(v, list):
        items = [str(x) for x in v]
    else:
        items = re.split(pattern, str(v or ""))
    return [x.strip().rstrip("。；;，,") for x in items if x.strip().rstrip("。；;，,")]


def decision_without_boilerplate(text):
    # Case systems append the payment and appeal sentences to the decision text;
    # the template states both in sections 六 and 七, so they would appear twice.
    sentences = re.findall(r"[^。]+。?", str(text or ""))
    return "".join(s for s in sentences if not s.lstrip().startswith(("当事人应当自收到", "当事人如不服")))


def party_lines(c):
    name = str(c.get("party_name") or "").strip()
    if c.get("party_type") == "自然人":
        name = re.sub(r"\s+", "", name)   # exports pad two-character names with a full-width space
    id_type = str(c.get("party_id_type") or "").strip()
    id_label = {"居民身份证": "居民身份证号码", "统一社会信用代码": "统一社会信用代码"}.get(
        id_type, (id_type + "号码") if id_type else "证件号码")
    lines = [["当事人", name], [id_label, code(c.get("party_id_no"))]]
    if str(c.get("legal_rep") or "").strip():
        lines.append(["法定代表人", str(c["legal_rep"]).strip()])
    lines.append(["住所", str(c.get("party_address") or "").strip()])
    return lines


def document_data(c, agency, decided):
    fine = parse_yuan(c.get("fine_amount"))
    fine_text = ""
    if fine:
        cents = int((fine * 100).to_integral_value())
        figures = ("%d" % (cents // 100)) if cents % 100 == 0 else ("%d.%02d" % divmod(cents, 100))
        fine_text = "人民币%s元（大写：%s）" % (figures, rmb_upper(cents))
    return {
        "agency": agency["name"],
        "doc_no": code(c.get("doc_no")),
        "party": party_lines(c),
        "facts": split_paragraphs(c.get("facts")),
        "evidence": as_list(c.get("evidence")) or ["（无）"],
        "violated": str(c.get("violated_provisions") or "").strip(),
        "penalty": str(c.get("penalty_provisions") or "").strip(),
        "discretion": split_paragraphs(c.get("discretion")),
        "decision": split_paragraphs(decision_without_boilerplate(c.get("decision"))),
        "fine": fine_text,
        "recon": agency["reconsideration_body"],
        "court": agency["court"],
        "date": "%d年%d月%d日" % (decided.year, decided.month, decided.day),
    }


def load_documents(export_dir, limit):
    """First `limit` 行政处罚 cases as template data, plus counts of rows skipped and why."""
    agencies = {code(a.get("agency_code")).upper(): a
                for a in read_csv(os.path.join(export_dir, "agencies.csv"), AGENCY_HEADERS)}
    cases = []
    csv_path, json_path = os.path.join(export_dir, "cases.csv"), os.path.join(export_dir, "cases.json")
    if os.path.exists(csv_path):
        cases.extend(read_csv(csv_path, CASE_HEADERS))
    if os.path.exists(json_path):
        cases.extend(x for x in json.loads(read_text(json_path)) if isinstance(x, dict))
    if not cases:
        sys.exit("%s holds neither cases.csv nor cases.json with rows" % export_dir)
    docs, skipped = [], collections.Counter()
    for c in cases:
        if len(docs) == limit:
            break
        if str(c.get("action_type") or "").strip() != "行政处罚":
            continue
        decided = parse_date(c.get("decision_date"))
        agency = agencies.get(code(c.get("agency_code")).upper())
        if decided is None:
            skipped["missing or unreadable decision date"] += 1
        elif agency is None:
            skipped["unknown agency"] += 1
        else:
            docs.append(json.dumps(document_data(c, agency, decided), ensure_ascii=False))
    return docs, skipped


# ---------------------------------------------------------------- compiling

WARM_UP = json.dumps({
    "agency": "预热机关", "doc_no": "预〔2000〕1号", "party": [["当事人", "预热"], ["住所", "预热地址"]],
    "facts": ["预热用文字，非真实案件。"], "evidence": ["预热材料1份"], "violated": "《预热法》第一条",
    "penalty": "《预热法》第二条", "discretion": ["预热。"], "decision": ["预热。"], "fine": "人民币1元（大写：壹元整）",
    "recon": "预热复议机关", "court": "预热法院", "date": "2000年1月1日",
}, ensure_ascii=False)

_compiler = None      # one per process: its font book and caches live as long as the process


def make_compiler():
    # Only the Noto CJK folder and no system-font scan: the font set is the same on every machine.
    compiler = typst.Compiler(font_paths=[FONT_DIR], ignore_system_fonts=True)
    # The warm-up touches every face the template uses, so the .ttc files are parsed before timing.
    compiler.compile(input=TEMPLATE.encode(), format="pdf", sys_inputs={"case": WARM_UP})
    return compiler


def compile_one(compiler, payload, out_path):
    compiler.compile(input=TEMPLATE.encode(), output=out_path, format="pdf", sys_inputs={"case": payload})


def _worker_init(barrier):
    global _compiler
    _compiler = make_compiler()
    barrier.wait()                    # the parent starts its clock once every worker is warm


def _worker_compile(job):
    compile_one(_compiler, job[1], job[2])
    return job[0]


def run_one_core(docs, out_dir):
    compiler = make_compiler()
    paths = [os.path.join(out_dir, "%04d.pdf" % i) for i in range(len(docs))]
    cpu0, t0 = time.process_time(), time.perf_counter()
    for payload, path in zip(docs, paths):
        compile_one(compiler, payload, path)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return wall, cpu, paths


def run_two_cores(docs, out_dir, workers=2):
    # spawn, not fork: typst runs its own threads, which must not be forked mid-flight.
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers + 1)
    paths = [os.path.join(out_dir, "%04d.pdf" % i) for i in range(len(docs))]
    jobs = [(i, payload, path) for i, (payload, path) in enumerate(zip(docs, paths))]
    with ctx.Pool(workers, initializer=_worker_init, initargs=(barrier,)) as pool:
        barrier.wait(timeout=600)
        t0 = time.perf_counter()
        # chunksize 1: documents differ in length, so hand them out one at a time.
        done = sum(1 for _ in pool.imap_unordered(_worker_compile, jobs, chunksize=1))
        wall = time.perf_counter() - t0
    assert done == len(docs)
    return wall, paths


# ---------------------------------------------------------------- checking the output

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def count_pages(path):
    data = open(path, "rb").read()
    n = len(PAGE_OBJECT.findall(data))
    if n:
        return n
    # Page objects hidden in compressed object streams: ask poppler instead.
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def result_line(label, n, pages, wall):
    return "%s documents=%d pages=%d seconds=%.3f ms_per_document=%.3f" % (label, n, pages, wall, wall / n * 1000)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="export folder (agencies.csv, cases.csv and/or cases.json)")
    ap.add_argument("--documents", type=int, default=100, help="number of 行政处罚 decisions to render (default 100)")
    ap.add_argument("--keep", metavar="DIR", help="also copy the single-core PDFs here")
    args = ap.parse_args()
    if args.documents < 1:
        ap.error("--documents must be at least 1")
    missing = [f for f in FONT_FILES if not os.path.exists(os.path.join(FONT_DIR, f))]
    if missing:
        sys.exit("missing fonts in %s: %s (apt-get install fonts-noto-cjk)" % (FONT_DIR, ", ".join(missing)))

    docs, skipped = load_documents(args.input, args.documents)
    if not docs:
        sys.exit("no usable 行政处罚 case in %s" % args.input)
    print("typst (PyPI) %s, Typst compiler %s" % (typst.__version__,
                                                   typst.Compiler().eval("str(sys.version)").strip('"')))
    if len(docs) < args.documents:
        print("note: only %d usable 行政处罚 cases in the export (asked for %d)" % (len(docs), args.documents))
    if skipped:
        print("skipped rows: " + ", ".join("%s %d" % kv for kv in sorted(skipped.items())))

    with tempfile.TemporaryDirectory(prefix="typst-bench-") as tmp:
        one_dir, two_dir = os.path.join(tmp, "1core"), os.path.join(tmp, "2cores")
        os.makedirs(one_dir)
        os.makedirs(two_dir)
        wall1, cpu1, paths1 = run_one_core(docs, one_dir)
        pages1 = [count_pages(p) for p in paths1]
        wall2, paths2 = run_two_cores(docs, two_dir)
        pages2 = [count_pages(p) for p in paths2]
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            for p in paths1:
                shutil.copy(p, args.keep)

    dist = collections.Counter(pages1)
    print("pages per document: " + ", ".join("%d page(s) x %d" % kv for kv in sorted(dist.items())))
    if pages1 != pages2:
        print("warning: single-core and two-core runs produced different page counts")
    # typst may use helper threads; CPU above wall time means the "1core" run was not single-threaded.
    print("single-core run: cpu %.3f s for wall %.3f s" % (cpu1, wall1))
    print(result_line("typst-1core", len(docs), sum(pages1), wall1))
    print(result_line("typst-2cores", len(docs), sum(pages2), wall2))


if __name__ == "__main__":
    main()
