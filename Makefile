# Sanxiang — the two commands a new user needs are `make run` and `make test`.
# Both install any missing Debian package first (apt-get; sudo when not root).

SWIFT ?= swift
DEBIAN_PACKAGES := libcairo2-dev libharfbuzz-dev libfreetype-dev libxml2-dev libsqlite3-dev libdeflate-dev libpq-dev libmimalloc-dev \
                   pkg-config fonts-noto-cjk poppler-utils libxml2-utils \
                   default-jre-headless
# Fonts: fonts-noto-cjk above; the Fandol 仿宋/楷体 faces Fonts/fonts.yml names first are unpacked
# from texlive-lang-chinese (downloaded, not installed: it pulls in all of TeX Live) into
# ~/.cache/sanxiang/debian-fonts by Fonts/fetch-debian-fonts.sh, run at the end of `deps`.
# Only for `make test` (and `make screenshots`): the portal is driven in headless Chromium
# (Tests/Browser/search_test.py, run with Debian's /usr/bin/python3, which sees python3-selenium;
# its pip installs axe-core's package into ~/.cache/sanxiang/pydeps on first use).
BROWSER_PACKAGES := chromium chromium-driver python3-selenium python3-pip
# Only for `make test`: the tests of `sanxiang worker` start their own PostgreSQL server on
# 127.0.0.1 at a free port in a temporary folder (Tests/Fixtures/postgres.sh, as the `postgres`
# user when run as root); libpq-dev above is needed to build at all (the CLibPQ target).
POSTGRES_PACKAGES := postgresql
SANXIANG := .build/debug/sanxiang
# The demo runs as of the sample's export date (an ordinary night), not today.
SAMPLE_AS_OF := $(shell python3 -c "import json; print(json.load(open('Examples/sample-export/MANIFEST.json'))['export_at'][:10])" 2>/dev/null)

.PHONY: run test deps build bench-ingest bench-render bench-redact bench-print bench-nightly bench-search golden screenshots clean

deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES) $(EXTRA_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	command -v python3 >/dev/null 2>&1 || missing="$$missing python3"; \
	if [ -n "$$missing" ]; then \
	  echo "安装缺少的系统软件包 / installing missing packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@sh Fonts/fetch-debian-fonts.sh

build: deps
	$(SWIFT) build

# Runs the whole pipeline on the bundled sample export. Exit status 3 from
# sanxiang means rows were set aside — the sample has 8 broken rows on purpose.
run: build
	@status=0; $(SANXIANG) run --config pipeline.yml $(if $(SAMPLE_AS_OF),--as-of $(SAMPLE_AS_OF)) || status=$$?; \
	if [ $$status -eq 3 ]; then echo "（示例数据中故意放入了有问题的行，退出状态 3 属预期 / the sample's broken rows are expected）"; \
	elif [ $$status -ne 0 ]; then exit $$status; fi

# A stuck test fails the run after 40 minutes instead of holding CI to its limit.
test: EXTRA_PACKAGES = $(BROWSER_PACKAGES) $(POSTGRES_PACKAGES)
test: deps
	timeout --kill-after=60 2400 $(SWIFT) test --disable-swift-testing

# Benchmark: ingest of a 100,000-case export (release build). See README.
BENCH_DIR ?= /tmp/sanxiang-bench-100k
bench-ingest: deps
	@[ -f $(BENCH_DIR)/cases.csv ] || python3 Tests/Fixtures/gen_export.py --out $(BENCH_DIR) --cases 100000 --seed 7 --no-media
	$(SWIFT) build -c release --product sanxiang
	@echo "machine: $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	.build/release/sanxiang bench ingest --input $(BENCH_DIR) --as-of 2026-01-06

# Benchmark: render the 行政处罚决定书 of 100 penalty cases on both cores and on
# one, then Typst on the same export in the same run. See README.
RENDER_BENCH_DIR ?= /tmp/sanxiang-bench-render
bench-render: deps
	@[ -f $(RENDER_BENCH_DIR)/cases.csv ] || python3 Tests/Fixtures/gen_export.py --out $(RENDER_BENCH_DIR) --cases 400 --seed 3 --no-media
	$(SWIFT) build -c release --product sanxiang
	@python3 -c "import typst" 2>/dev/null || pip install --quiet typst
	@echo "machine: $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	@echo "== sanxiang, all cores"; .build/release/sanxiang bench render --input $(RENDER_BENCH_DIR) --documents 100
	@echo "== sanxiang, one core"; taskset -c 0 .build/release/sanxiang bench render --input $(RENDER_BENCH_DIR) --documents 100
	@echo "== typst"; python3 Tests/Bench/typst_baseline.py --input $(RENDER_BENCH_DIR) --documents 100

# Benchmark: redaction and the publication gate, per case on one core, over a 20,000-case export.
REDACT_BENCH_DIR ?= /tmp/sanxiang-bench-redact
bench-redact: deps
	@[ -f $(REDACT_BENCH_DIR)/cases.csv ] || python3 Tests/Fixtures/gen_export.py --out $(REDACT_BENCH_DIR) --cases 20000 --seed 7 --no-media
	$(SWIFT) build -c release --product sanxiang
	@echo "machine: $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	taskset -c 0 .build/release/sanxiang bench redact --input $(REDACT_BENCH_DIR) --config pipeline.yml

# Benchmark: the nightly run at scale (release build): generates CASES cases once (seed 7,
# no media), then times a cold run, a rerun with nothing changed and a rerun with every
# 100th case edited, each --as-of 2026-01-06; wall time, documents/s and peak RSS
# (/usr/bin/time from the Debian package `time`). See README, "Scale".
CASES ?= 100000
NIGHTLY_BENCH_DIR ?= /tmp/sanxiang-nightly-$(CASES)
bench-nightly: EXTRA_PACKAGES = time
bench-nightly: deps
	$(SWIFT) build -c release --product sanxiang
	CASES=$(CASES) BENCH_DIR=$(NIGHTLY_BENCH_DIR) bash Tests/Bench/nightly_bench.sh

# Benchmark: what a visitor's browser downloads for a search on a built portal (manifest,
# one key shard per character pair, the first page of decisions), raw and gzipped, and the
# time on a 1 Mbit/s link. SEARCH_PUBLIC is a run's public/ folder, e.g. the nightly bench's.
SEARCH_PUBLIC ?= $(NIGHTLY_BENCH_DIR)/out/public
bench-search:
	python3 Tests/Bench/search_load.py $(SEARCH_PUBLIC)

# Benchmark: an officer's on-site print, each a new process (cold start): a case of
# the bundled sample (read the export, take a number, render the form) and a field
# form entered from Examples/field-case.yml (read agencies.csv and officers.csv,
# check, take a number, render two copies, write the outbox). See README.
# BUILD=debug times the debug binary (no release build).
BUILD ?= release
bench-print: deps
	$(SWIFT) build $(if $(filter release,$(BUILD)),-c release) --product sanxiang
	@echo "machine: $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); build: $(BUILD)"
	@out=$$(mktemp -d); bin=.build/$(BUILD)/sanxiang; \
	$$bin print --config pipeline.yml --output $$out --case TJLY-2024-000001 --as-of 2026-01-06 >/dev/null || exit 1; \
	for i in 1 2 3 4 5 6 7 8 9 10; do \
	  start=$$(date +%s%N); \
	  $$bin print --config pipeline.yml --output $$out --case TJLY-2024-000001 --as-of 2026-01-06 >/dev/null || exit 1; \
	  end=$$(date +%s%N); echo "export case, run $$i: $$(( (end - start) / 1000000 )) ms"; \
	done; \
	for i in 1 2 3 4 5 6 7 8 9 10; do \
	  start=$$(date +%s%N); \
	  $$bin print --config pipeline.yml --output $$out --form Examples/field-case.yml --as-of 2026-01-06 >/dev/null || exit 1; \
	  end=$$(date +%s%N); echo "field form, run $$i: $$(( (end - start) / 1000000 )) ms"; \
	done; rm -rf $$out

# Re-takes docs/screenshots/ (home, decision, search, report at 1280 and 390 px) from the
# sample's portal as `make run` writes it, running the browser test on it on the way.
screenshots: EXTRA_PACKAGES = $(BROWSER_PACKAGES)
screenshots: run
	/usr/bin/python3 Tests/Browser/search_test.py --public Output/public --shots docs/screenshots
	@echo "请逐一查看 docs/screenshots/*.png 后再提交 / look at every screenshot before committing"

clean:
	rm -rf .build
	find Output -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +

# Re-record the golden PNGs (typesetting block kinds, first page of every document kind) after an intended change.
# The recording run fails on purpose (it checks nothing); the second run checks the new files.
GOLDEN_TESTS := "GoldenTests|DocumentKindTests.testGolden|DossierTests.testGolden"
golden: deps
	-RECORD_GOLDEN=1 $(SWIFT) test --disable-swift-testing --filter $(GOLDEN_TESTS)
	$(SWIFT) test --disable-swift-testing --filter $(GOLDEN_TESTS)
	@echo "已重新录制 Tests/*/Golden/*.png：请逐一查看后再提交 / look at every re-recorded PNG before committing"
