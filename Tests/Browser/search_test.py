"""Drives the portal in headless Chromium (Debian's chromium and chromium-driver, selenium
from python3-selenium) against a copy of public/ served on 127.0.0.1 (an ephemeral port;
a missing address gets 404.html with status 404, as the web server is told to do), and
compares what the search page finds with an oracle read from the decision pages themselves.

    apt-get install -y chromium chromium-driver python3-selenium python3-pip
    /usr/bin/python3 Tests/Browser/search_test.py --public Output/public [--shots DIR]

Checks: a word from the decisions' text (true count, every page of results, none
missed; a longer word may also find decisions with its pairs of characters apart, as
Templates/portal/README.md says, and the number is printed), a
文书编号 written with other brackets and widths, filters (agency; agency + year + word),
a search shared by URL (?q=…&agency=…) and the URL updated while typing; then axe-core
(the axe.min.js shipped in the PyPI package axe-playwright-python, installed on first use
into --deps; only that file is used, run with axe.run() in the page) on every kind of page
at 1280 and 390 px: home, agency, list, decision (a penalty and another), withdrawn notice, search (empty and with
results), reports index, the aggregate and an agency's annual report, 404. Each violation
is printed as rule, impact, page, width and the selector of each node. With --shots, the
home, decision, search (with results) and report pages are saved at 1280 and 390 px.
Exit status 0 when all hold. `make test` runs it (Tests/PipelineTests/BrowserTests.swift).
"""
import argparse
import functools
import html
import http.server
import pathlib
import json
import re
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse
import xml.etree.ElementTree as ET

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import InvalidSessionIdException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

# The page re-renders its result list and count while a query settles: an element found a
# moment ago may be gone. Waits retry instead of failing on it.
RETRY = (StaleElementReferenceException,)

NS = {"d": "urn:sanxiang:decisions:1"}
# axe-core 4.12.1, as axe.min.js in this wheel (its Python code and its dependency, playwright,
# are not used: --no-deps). Change the pin to move to another axe-core.
AXE_PACKAGE = "axe-playwright-python==0.1.8"
AXE_FILE = "axe_playwright_python/axe.min.js"
WIDTHS = (1280, 390)
BRACKETS = str.maketrans({c: "〔" for c in "([{【〔〖〘"} | {c: "〕" for c in ")]}】〕〗〙"})


def fold(text):
    """The portal's folding (Templates/portal/README.md), written again here as the oracle."""
    text = unicodedata.normalize("NFKC", text).translate(BRACKETS)
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        """A missing address gets the portal's 404.html, as nginx `error_page 404 /404.html;` does."""
        page = pathlib.Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(root):
    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def axe_source(deps):
    """axe.min.js from the PyPI wheel, installed into `deps` on first use (quietly: pip's
    warnings never mix into this script's output)."""
    path = pathlib.Path(deps) / AXE_FILE
    if not path.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                        "--target", str(deps), AXE_PACKAGE], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path.read_text(encoding="utf-8")


def set_width(driver, width, height=900):
    """The viewport of a desktop (1280) or a phone (390: mobile, so the page's meta viewport applies)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))})))))
  .catch(e => done(JSON.stringify({error: String(e)})));
"""


def page_texts(root):
    """Visible main text of each current decision page (withdrawn notices are not searchable)."""
    out = {}
    for path in sorted((root / "decisions").rglob("*.html")):
        raw = path.read_text(encoding="utf-8")
        main = raw.split("<main>", 1)[1].split("</main>", 1)[0]
        if 'class="notice"' in main:
            continue
        main = re.sub(r'<nav class="crumbs".*?</nav>', "", main, flags=re.S)
        main = re.sub(r"<caption>.*?</caption>|<thead>.*?</thead>|<th[^>]*>.*?</th>|<h2>.*?</h2>", " ", main, flags=re.S)
        main = re.sub(r"<a [^>]*>下载决定书.*?</a>", " ", main)
        out[path.relative_to(root).as_posix()] = fold(html.unescape(re.sub(r"<[^>]+>", " ", main)))
    return out


def page_kinds(root, current, word):
    """One address of each kind of page (kind, address relative to the site's root)."""
    def decision_path(d):
        return "decisions/" + d.findtext("d:page", "", NS).split("/decisions/", 1)[-1]

    # The newest 行政处罚 (the fullest page: facts, evidence, laws, penalty), and any other.
    penalties = [d for d in current if d.findtext("d:action-type", "", NS) == "行政处罚"] or current
    penalty = max(penalties, key=lambda d: (d.findtext("d:decision-date", "", NS), d.get("index-no")))
    counts = {}
    for d in current:
        code = d.find("d:agency", NS).get("code")
        counts[code] = counts.get(code, 0) + 1
    agency = max(sorted(counts), key=counts.get)
    # Lists are agencies/<code>/<year>-<type>-<page>.html: the first page of the longest one.
    lists = {}
    for p in (root / "agencies" / agency).glob("*-*-*.html"):
        stem = p.relative_to(root).as_posix().rsplit("-", 1)[0]
        lists[stem] = lists.get(stem, 0) + 1
    first = max(sorted(lists), key=lists.get) + "-1.html"
    reports = sorted(p.relative_to(root).as_posix() for p in (root / "reports").glob("*/index.html"))
    agency_reports = sorted(p.relative_to(root).as_posix() for p in (root / "reports").glob("*/*/index.html"))
    withdrawn = sorted(p.relative_to(root).as_posix() for p in (root / "decisions").rglob("*.html")
                       if 'class="notice"' in p.read_text(encoding="utf-8"))
    kinds = [("home", "index.html"), ("agency", f"agencies/{agency}/index.html"), ("list", first),
             ("decision", decision_path(penalty)), ("decision-other", decision_path(current[0])),
             ("search", "search.html?q=" + urllib.parse.quote(word)),
             ("search-empty", "search.html"), ("reports-index", "reports/index.html")]
    if reports:
        kinds.append(("report", reports[-1]))
    if agency_reports:
        kinds.append(("agency-report", agency_reports[-1]))
    if withdrawn:
        kinds.append(("withdrawn", withdrawn[0]))
    kinds.append(("404", "no/such/page.html"))
    return kinds


class Page:
    def __init__(self, driver, base):
        self.driver, self.base = driver, base

    def open(self, query=""):
        self.driver.get(self.base + "search.html" + query)
        return self.wait()

    def wait(self):
        def done(d):
            text = d.find_element(By.ID, "count").text
            return text and "正在检索" not in text and text
        return WebDriverWait(self.driver, 20, ignored_exceptions=RETRY).until(done)

    def count(self):
        match = re.search(r"共找到 (\d+) 件", self.wait())
        return int(match.group(1)) if match else 0

    def result_links(self):
        """The result links as the page shows them now, read in one step inside the page (a list
        re-rendered between finding a link and reading it cannot make the read fail)."""
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll('#results li > a')).map(a => a.href)")

    def all_results(self):
        """Every result link, following 下一页 to the end."""
        links = []
        while True:
            self.wait()
            links += [urllib.parse.urljoin(self.base, href).removeprefix(self.base) for href in self.result_links()]
            nxt = [b for b in self.driver.find_elements(By.CSS_SELECTOR, "#pages button") if b.text == "下一页"]
            if not nxt:
                return links
            first = (self.result_links() or [None])[0]
            nxt[0].click()
            WebDriverWait(self.driver, 20, ignored_exceptions=RETRY).until(lambda d: (self.result_links() or [first])[0] != first)


def start_browser():
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                 "--hide-scrollbars", "--lang=zh-CN", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(60)
    return driver


def browser_went_away(error):
    """Chromium's renderer or the browser itself died under us (seen once on a loaded CI machine, in
    the middle of the accessibility checks): a fault of the machine, not of the page, unless it
    happens again on the same page in a new browser."""
    text = str(error)
    return isinstance(error, InvalidSessionIdException) or any(word in text for word in ("renderer", "disconnected", "crash"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--public", default="Output/public")
    ap.add_argument("--shots", help="folder for screenshots at 390 and 1280 px")
    ap.add_argument("--word", default="河道")
    ap.add_argument("--deps", default=str(pathlib.Path.home() / ".cache/sanxiang/pydeps"),
                    help="where the axe-core package is installed on first use")
    ap.add_argument("--no-axe", action="store_true", help="skip the accessibility checks")
    a = ap.parse_args()
    # A timeout (SIGTERM) still closes Chromium and chromedriver.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    started = time.monotonic()
    root = pathlib.Path(a.public).resolve()
    feed = ET.parse(root / "feeds/decisions.xml").getroot()
    current = [d for d in feed.findall("d:decision", NS) if d.find("d:withdrawn", NS) is None]
    texts = page_texts(root)
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    driver = start_browser()
    failures = []

    def check(name, ok, detail=""):
        print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))
        if not ok:
            failures.append(name)

    try:
        page = Page(driver, base)
        page.open()
        check("empty query lists every decision", page.count() == len(current), f"{page.count()} vs {len(current)}")

        # A word of the text: the true count and every result, across pages.
        word = a.word
        expected = sorted(p for p, t in texts.items() if fold(word) in t)
        page.open("?q=" + urllib.parse.quote(word))
        found = sorted(page.all_results())
        # The documented semantics (Templates/portal/README.md): in the text a term matches when
        # all its pairs of characters occur, so a longer term may find a few decisions with its
        # parts apart; none that contains it may be missed.
        pairs = [fold(word)[i:i + 2] for i in range(max(1, len(word) - 1))]
        loose = sorted(p for p, t in texts.items() if all(x in t for x in pairs))
        check(f"word {word}: count", page.count() == len(found), f"{page.count()} vs {len(found)} listed")
        check(f"word {word}: none missed", set(expected) <= set(found), f"missing {sorted(set(expected) - set(found))[:5]}")
        check(f"word {word}: nothing beyond its pairs", set(found) <= set(loose), f"extra {sorted(set(found) - set(loose))[:5]}")
        print(f"     {word}: {len(found)} found, {len(expected)} contain it, {len(found) - len(expected)} with its pairs apart")

        # A 文书编号 with other brackets and full-width digits.
        numbered = [d for d in current if "〔" in (d.findtext("d:doc-no", "", NS))]
        for decision in numbered[:3]:
            doc_no = decision.findtext("d:doc-no", "", NS)
            target = "decisions/" + decision.findtext("d:page", "", NS).split("/decisions/", 1)[-1]
            want = sorted(p for p, t in texts.items() if fold(doc_no) in t)
            for variant in (doc_no.replace("〔", "[").replace("〕", "]"), doc_no.replace("〔", "（").replace("〕", "）"),
                            doc_no.translate(str.maketrans("〔〕0123456789", "(）０１２３４５６７８９"))):
                page.open("?q=" + urllib.parse.quote(variant))
                got = sorted(page.all_results())
                check(f"doc-no {variant}", got == want and any(target.endswith(g) for g in got), f"{got} vs {want}")

        # Filters: an agency alone, then agency + year + word; the URL carries them.
        # The agency with the most decisions containing the word, so the combination finds some.
        def hits(code):
            return sum(1 for d in current if d.find("d:agency", NS).get("code") == code
                       and fold(word) in texts.get("decisions/" + d.findtext("d:page", "", NS).split("/decisions/", 1)[-1], ""))
        agency = max(sorted({d.find("d:agency", NS).get("code") for d in current}), key=hits)
        mine = [d for d in current if d.find("d:agency", NS).get("code") == agency]
        page.open("?agency=" + urllib.parse.quote(agency))
        check("filter agency", page.count() == len(mine), f"{page.count()} vs {len(mine)}")
        check("filter read from the URL", Select(driver.find_element(By.ID, "f-agency")).first_selected_option.get_attribute("value") == agency)
        year = max(d.findtext("d:decision-date", "", NS)[:4] for d in mine
                   if fold(word) in texts.get("decisions/" + d.findtext("d:page", "", NS).split("/decisions/", 1)[-1], ""))
        Select(driver.find_element(By.ID, "f-year")).select_by_value(year)
        box = driver.find_element(By.ID, "q")
        box.clear()
        box.send_keys(word)
        WebDriverWait(driver, 20, ignored_exceptions=RETRY).until(lambda d: "q=" in d.current_url and "year=" + year in d.current_url)
        pages_of_agency = {d.findtext("d:page", "", NS).split("/decisions/", 1)[-1] for d in mine
                           if d.findtext("d:decision-date", "", NS).startswith(year)}
        want = sorted(p for p in found if p.removeprefix("decisions/") in pages_of_agency)
        WebDriverWait(driver, 20, ignored_exceptions=RETRY).until(lambda d: "正在检索" not in d.find_element(By.ID, "count").text)
        got = sorted(page.all_results())
        check("agency + year + word", got == want and len(want) > 0, f"{got} vs {want}")
        shared = driver.current_url
        check("the URL is updated (history.replaceState)",
              urllib.parse.parse_qs(urllib.parse.urlparse(shared).query).get("agency") == [agency], shared)
        # all_results paged to the end, so the URL says page=N; the whole search starts at page 1.
        shared = re.sub(r"&page=\d+", "", shared)
        page.driver.get(shared)
        got = sorted(page.all_results())
        check("a shared URL gives the same search", got == want, f"{shared}: {len(got)} vs {len(want)}")

        print(f"     search checks: {time.monotonic() - started:.1f} s")

        pages = page_kinds(root, current, word)
        if not a.no_axe:
            source = axe_source(a.deps)
            for width in WIDTHS:
                set_width(driver, width)
                for kind, address in pages:
                    for attempt in (1, 2):
                        try:
                            driver.get(base + address)
                            if kind.startswith("search"):
                                page.wait()
                            driver.execute_script(source)
                            result = json.loads(driver.execute_async_script(AXE_RUN))
                            break
                        except WebDriverException as error:
                            if attempt == 2 or not browser_went_away(error):
                                raise
                            print(f"     the browser went away on {address} ({str(error).splitlines()[0]}): once more in a new one")
                            try:
                                driver.quit()
                            except WebDriverException:
                                pass
                            driver = start_browser()
                            page.driver = driver
                            set_width(driver, width)
                    if isinstance(result, dict):
                        check(f"axe {kind} {width}px", False, f"{address}: {result['error']}")
                        continue
                    detail = "; ".join(f"{v['id']} ({v['impact']}, {v['help']}) at " + ", ".join(n["target"] for n in v["nodes"])
                                       for v in result)
                    check(f"axe {kind} {width}px: no violations", not result, f"{address}: {detail}")
            print(f"     axe checks: {time.monotonic() - started:.1f} s")

        if a.shots:
            folder = pathlib.Path(a.shots)
            folder.mkdir(parents=True, exist_ok=True)
            wanted = dict(pages)
            for width in WIDTHS:
                for kind in ("home", "decision", "search", "report"):
                    set_width(driver, width)
                    driver.get(base + wanted[kind])
                    if kind == "search":
                        page.wait()
                    height = driver.execute_script("return document.documentElement.scrollHeight")
                    set_width(driver, width, min(height, 1800))
                    driver.save_screenshot(str(folder / f"{kind}-{width}.png"))
            print("screenshots in", folder)
    finally:
        driver.quit()
        server.shutdown()
    print(f"{time.monotonic() - started:.1f} s in all")
    print(f"{len(failures)} failed" if failures else "all passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
