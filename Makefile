# replab: the two commands of the README, and what they stand on.
#   make run    installs what is missing, builds, and opens the replab> prompt
#   make test   installs what is missing, builds with warnings as errors, runs every test and check
SHELL := /bin/bash
SWIFT ?= swift
W1_REFERENCE := delivered=1200000 final_time=274886 completed=100000 puts=50053 gets=49947 get_found=48981 get_sum=2395545530 store_sum=9607433926455

MERMAID_CHECK ?= ../shared/tools/mermaid-check

.PHONY: run test deps build lint terminal-test bench-check bench mermaid-check browser-deps browser-test fuzz-check fuzz

# System packages: GNU readline's headers (line editing) and tmux (the terminal test).
deps:
	@need=""; \
	dpkg -s libreadline-dev >/dev/null 2>&1 || need="$$need libreadline-dev"; \
	command -v tmux >/dev/null 2>&1 || need="$$need tmux"; \
	if [ -n "$$need" ]; then \
	  echo "installing:$$need"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "please install$$need (e.g. sudo apt-get install$$need) and run make again"; exit 1; fi; \
	  $$SUDO apt-get install -y -qq $$need >/dev/null 2>&1 || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$need; }; \
	fi

build: deps
	$(SWIFT) build --product replab

run: build
	@"$$($(SWIFT) build --show-bin-path)/replab"

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests

# The terminal as a person uses it: readline, history, Ctrl-C, completion (tmux).
terminal-test: build
	bash Tests/tmux/repl-terminal.sh "$$($(SWIFT) build --show-bin-path)/replab"

# W1 must be the same work as its peers: the reference line, exactly (a debug build is enough).
bench-check: deps
	@$(SWIFT) build --product replab-bench
	@line=$$("$$($(SWIFT) build --show-bin-path)/replab-bench" w1 100000 | head -n 1); \
	if [ "$$line" = "$(W1_REFERENCE)" ]; then echo "W1 reference line: ok"; \
	else echo "W1 result differs from the reference:"; echo "  got:      $$line"; echo "  expected: $(W1_REFERENCE)"; exit 1; fi

# Every Mermaid text of the view corpus must render in Mermaid 11. The golden tests make these
# files exactly what replab prints; mermaid-check renders them with the real Mermaid, when the
# tool is there (../shared/tools), and says so when it is not.
mermaid-check:
	@if [ -x "$(MERMAID_CHECK)" ]; then \
	  bin="$$($(SWIFT) build --show-bin-path)/replab"; exports=$$(mktemp -d); \
	  for lesson in Lessons/[0-9]*.md; do \
	    name=$$(basename "$$lesson" .md); \
	    "$$bin" lesson "$$lesson" --export "$$exports/$$name" >/dev/null || { echo "export of $$lesson failed"; exit 1; }; \
	  done; \
	  printf 'pbs compare r=1 r=2 dist=lnkd-disk trials=2000\nexport pbs %s/pbs.mmd\n' "$$exports" | "$$bin" run - >/dev/null \
	    || { echo "export pbs failed"; exit 1; }; \
	  files="$$(ls Tests/corpus/golden/*.mmd) $$(ls "$$exports"/*/*.mmd) $$exports/pbs.mmd"; \
	  out=$$("$(MERMAID_CHECK)" $$files 2>&1); status=$$?; \
	  echo "$$out" | grep -v '^ok ' || true; \
	  if [ $$status -ne 0 ]; then echo "mermaid-check: some diagrams do not render"; exit 1; fi; \
	  rm -rf "$$exports"; \
	  echo "mermaid-check: all $$(echo $$files | wc -w) corpus and lesson diagrams render in Mermaid"; \
	else echo "mermaid-check: skipped ($(MERMAID_CHECK) is not there)"; fi

# The grammar-based fuzzer of the command language (Sources/replab-fuzz): CI plays it for a minute
# with a fixed seed; make fuzz plays it as long as asked (make fuzz SECONDS=600) with a random seed.
# The lines of a session that failed a check, crashed or hung are kept in FUZZ_FAILURES (replay
# them with replab run --json - < FILE).
FUZZ_SEED ?= 1
SECONDS ?= 300
FUZZ_FAILURES ?= fuzz-failures.replab
define run-fuzz
	@bin="$$($(SWIFT) build --show-bin-path)"; \
	"$$bin/replab-fuzz" --failures "$(FUZZ_FAILURES)" $(1); status=$$?; \
	if [ $$status -ne 0 ]; then \
	  if [ -f "$(FUZZ_FAILURES).running" ]; then mv "$(FUZZ_FAILURES).running" "$(FUZZ_FAILURES)"; \
	    echo "replab-fuzz ended with status $$status (a crash?); the session it was playing is in $(FUZZ_FAILURES)"; fi; \
	  exit 1; \
	fi
endef

fuzz-check: deps
	@$(SWIFT) build --product replab-fuzz
	$(call run-fuzz,--seconds 60 --seed $(FUZZ_SEED))

fuzz: deps
	@$(SWIFT) build --product replab-fuzz
	$(call run-fuzz,--seconds $(SECONDS))

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	"$$($(SWIFT) build --show-bin-path)/replab" lessons --verify
	$(MAKE) --no-print-directory mermaid-check
	$(MAKE) --no-print-directory browser-test
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory bench-check
	$(MAKE) --no-print-directory terminal-test
	$(MAKE) --no-print-directory fuzz-check

# The browser test needs a Chromium (Debian's chromium-headless-shell, the one mermaid-check uses)
# and Playwright for Python to drive it; both are installed here when missing.
browser-deps:
	@if ! command -v chromium-headless-shell >/dev/null 2>&1 && [ ! -x /usr/lib/chromium/chromium-headless-shell ] \
	  && ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing: chromium-headless-shell fonts-liberation"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "please install chromium-headless-shell (sudo apt-get install chromium-headless-shell) and run make again"; exit 1; fi; \
	  $$SUDO apt-get install -y -qq --no-install-recommends chromium-headless-shell fonts-liberation >/dev/null 2>&1 \
	    || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium-headless-shell fonts-liberation; }; \
	fi
	@python3 -c "import playwright" 2>/dev/null || { echo "installing: playwright (Python)"; \
	  if ! python3 -m pip --version >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi; \
	    $$SUDO apt-get install -y -qq python3-pip >/dev/null 2>&1 || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-pip; }; \
	  fi; \
	  python3 -m pip install -q playwright 2>/dev/null || python3 -m pip install -q --break-system-packages playwright; }

# The exported session page in real headless Chromium: keys, buttons, state, no request, no
# error; the SVGs parse as XML and delayed arrows slant. Screenshots go to a temporary folder.
browser-test: browser-deps
	@$(SWIFT) build --product replab
	python3 Tests/browser/session_page.py "$$($(SWIFT) build --show-bin-path)/replab"

# Release benchmarks beside the C yardsticks (not part of CI: timing belongs here, not in tests).
bench:
	../shared/bench/compare.sh w1 1000000
	../shared/bench/compare.sh pbs 1000000
