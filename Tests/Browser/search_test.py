"""Drives public/search.html in headless Chromium (Debian's chromium and chromium-driver,
selenium from python3-selenium) against a copy of the portal served on 127.0.0.1, and
compares what the page finds with an oracle read from the decision pages themselves.

    apt-get install -y chromium chromium-driver python3-selenium
    /usr/bin/python3 Tests/Browser/search_test.py --public Output/public [--shots DIR]

Checks: a word from the decisions' text (true count, every page of results, none
missed; a longer word may also find decisions with its pairs of characters apart, as
Templates/portal/README.md says, and the number is printed), a
文书编号 written with other brackets and widths, filters (agency; agency + year + word),
a search shared by URL (?q=…&agency=…) and the URL updated while typing. Exit status 0
when all hold. Not wired into CI yet.
"""
import argparse
import functools
import html
import http.server
import pathlib
import re
import sys
import threading
import unicodedata
import urllib.parse
import xml.etree.ElementTree as ET

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

NS = {"d": "urn:sanxiang:decisions:1"}
BRACKETS = str.maketrans({c: "〔" for c in "([{【〔〖〘"} | {c: "〕" for c in ")]}】〕〗〙"})


def fold(text):
    """The portal's folding (Templates/portal/README.md), written again here as the oracle."""
    text = unicodedata.normalize("NFKC", text).translate(BRACKETS)
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root):
    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


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
        return WebDriverWait(self.driver, 20).until(done)

    def count(self):
        match = re.search(r"共找到 (\d+) 件", self.wait())
        return int(match.group(1)) if match else 0

    def all_results(self):
        """Every result link, following 下一页 to the end."""
        links = []
        while True:
            self.wait()
            links += [urllib.parse.urljoin(self.base, a.get_attribute("href")).removeprefix(self.base)
                      for a in self.driver.find_elements(By.CSS_SELECTOR, "#results li > a")]
            nxt = [b for b in self.driver.find_elements(By.CSS_SELECTOR, "#pages button") if b.text == "下一页"]
            if not nxt:
                return links
            first = self.driver.find_element(By.CSS_SELECTOR, "#results li > a").get_attribute("href")
            nxt[0].click()
            WebDriverWait(self.driver, 20).until(
                lambda d: d.find_element(By.CSS_SELECTOR, "#results li > a").get_attribute("href") != first)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--public", default="Output/public")
    ap.add_argument("--shots", help="folder for screenshots at 390 and 1280 px")
    ap.add_argument("--word", default="河道")
    a = ap.parse_args()
    root = pathlib.Path(a.public).resolve()
    feed = ET.parse(root / "feeds/decisions.xml").getroot()
    current = [d for d in feed.findall("d:decision", NS) if d.find("d:withdrawn", NS) is None]
    texts = page_texts(root)
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    options = Options()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
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
        WebDriverWait(driver, 20).until(lambda d: "q=" in d.current_url and "year=" + year in d.current_url)
        pages_of_agency = {d.findtext("d:page", "", NS).split("/decisions/", 1)[-1] for d in mine
                           if d.findtext("d:decision-date", "", NS).startswith(year)}
        want = sorted(p for p in found if p.removeprefix("decisions/") in pages_of_agency)
        WebDriverWait(driver, 20).until(lambda d: "正在检索" not in d.find_element(By.ID, "count").text)
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

        if a.shots:
            folder = pathlib.Path(a.shots)
            folder.mkdir(parents=True, exist_ok=True)
            for width in (390, 1280):
                driver.set_window_size(width, 1400)
                page.open("?q=" + urllib.parse.quote(word))
                driver.save_screenshot(str(folder / f"search-{width}.png"))
            print("screenshots in", folder)
    finally:
        driver.quit()
        server.shutdown()
    print(f"{len(failures)} failed" if failures else "all passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
