# factcard — `make help` lists the targets.
#
# Everything the tests need beyond Go itself (the S3-compatible server, the Lambda
# emulator, the linter, Chromium) is built or installed here, pinned, into a cache
# outside the checkout so a fresh clone reuses it.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO ?= go
# Pinned tool versions. Bump deliberately; the cache keys on the version.
VERSITYGW_VERSION := v1.8.0
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
STATICCHECK_VERSION := v0.8.2
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da

CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/factcard
TOOLS_DIR := $(CACHE_DIR)/tools
VERSITYGW := $(TOOLS_DIR)/versitygw-$(VERSITYGW_VERSION)
RIE := $(TOOLS_DIR)/aws-lambda-rie-$(RIE_VERSION)
STATICCHECK := $(TOOLS_DIR)/staticcheck-$(STATICCHECK_VERSION)
BENCHSTAT := $(TOOLS_DIR)/benchstat-$(BENCHSTAT_VERSION)

# Address `make run` serves on.
ADDR ?= 127.0.0.1:8080

# Lambda builds: static linux binaries named bootstrap for provided.al2023.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LAMBDA_ARCH ?= arm64
LAMBDA_BUILD = CGO_ENABLED=0 GOOS=linux GOARCH=$(LAMBDA_ARCH) $(GO) build -tags lambda.norpc -trimpath \
	-ldflags "-s -w -X main.version=$(VERSION)"

.PHONY: help
help: ## List the targets.
	@echo "Usage: make <target> (ADDR=host:port for run)"; echo
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z0-9_%-]+:.*?## / {printf "  %-24s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## Serve the cards and API on 127.0.0.1:8080 (cards under ./.factcard; no AWS, no Docker).
	$(GO) run ./cmd/factcard serve --addr $(ADDR)

.PHONY: test
test: lint tools chromium ## Run the whole suite: lint, unit, S3 (versitygw), Lambda emulator and browser tests.
	@# go test shows no skips of passing packages: after it, say which tests skipped for a missing tool.
	@chromium=$${FACTCARD_CHROMIUM:-$$(command -v chromium || true)}; status=0; \
		echo "FACTCARD_VERSITYGW=$(VERSITYGW) FACTCARD_RIE=$(RIE) FACTCARD_CHROMIUM=$$chromium $(GO) test -count=1 -timeout 20m ./..."; \
		FACTCARD_VERSITYGW=$(VERSITYGW) FACTCARD_RIE=$(RIE) FACTCARD_CHROMIUM=$$chromium \
		$(GO) test -count=1 -timeout 20m ./... || status=$$?; \
		for tool in versitygw=$(VERSITYGW) aws-lambda-rie=$(RIE) chromium=$$chromium; do \
			[ -x "$${tool#*=}" ] || echo "skipped: the tests that need $${tool%%=*}, which is not available (see above)" >&2; \
		done; exit $$status

.PHONY: lint
lint: $(STATICCHECK) ## gofmt, go vet, staticcheck, cfn-lint on the SAM template when it is on PATH, and no built binary in git.
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@bins=$$(git ls-files 2>/dev/null | while read -r f; do \
		if [ -f "$$f" ] && [ "$$(head -c 4 "$$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then echo "$$f"; fi; done); \
		if [ -n "$$bins" ]; then echo "built binaries are tracked by git (the Makefile makes them; git rm --cached them):"; echo "$$bins"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@if command -v cfn-lint >/dev/null; then echo "cfn-lint infra/template.yaml"; cfn-lint infra/template.yaml; \
		else echo "cfn-lint not on PATH: the template is not linted (pip install cfn-lint)"; fi

# Benchmarks run on one core, BENCH_COUNT times; benchstat prints the medians.
BENCH_COUNT ?= 6

.PHONY: bench
bench: ## The benchmark report: render/encode per size, bytes, cold start, RSS, bootstrap sizes (build/bench.md).
	@mkdir -p build
	FACTCARD_BENCH_REPORT=1 FACTCARD_BENCH_REPORT_FILE=$(CURDIR)/build/bench.md \
		$(GO) test ./cmd/factcard -run '^TestBenchReport$$' -count=1 -timeout 20m >/dev/null
	@cat build/bench.md

.PHONY: bench-render
bench-render: $(BENCHSTAT) ## The renderer's Go benchmarks on one core with benchstat (raw results in build/bench-render.txt).
	@mkdir -p build
	$(GO) test ./render -run '^$$' -bench . -benchmem -cpu 1 -count $(BENCH_COUNT) > build/bench-render.txt
	@$(BENCHSTAT) build/bench-render.txt

# Fuzzing: how long each fuzz target runs.
FUZZTIME ?= 1m

.PHONY: fuzz
fuzz: ## Run each fuzz target (dataset loader, HTTP router, card layout, damaged brand fonts, PNG Adler-32, quote extraction) for FUZZTIME (default 1m); make test runs their seeds.
	$(GO) test ./facts -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME)
	$(GO) test ./functions/httpapi -run '^$$' -fuzz '^FuzzRouter$$' -fuzztime $(FUZZTIME)
	$(GO) test ./render -run '^$$' -fuzz '^FuzzLayout$$' -fuzztime $(FUZZTIME)
	$(GO) test ./render -run '^$$' -fuzz '^FuzzBrandFont$$' -fuzztime $(FUZZTIME)
	$(GO) test ./render/internal/png -run '^$$' -fuzz '^FuzzAdler32$$' -fuzztime $(FUZZTIME)
	$(GO) test ./facts/curate -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime $(FUZZTIME)

.PHONY: eval-extract
eval-extract: ## How well `facts extract` finds quotes and names speakers on the hand-annotated Wikinews corpus (both halves).
	@$(GO) test ./facts/curate -run '^TestEvalReport$$' -count=1 -v -args -eval.report | grep -e '^|' -e '^Tried' -e '^The '

.PHONY: load
load: $(VERSITYGW) ## Load-test `factcard serve` on loopback (64 connections: cached cards 30 s, then 10,000 renders with S3 down) and print a table.
	FACTCARD_LOAD=1 FACTCARD_VERSITYGW=$(VERSITYGW) $(GO) test -run TestLoad -count=1 -v -timeout 10m ./cmd/factcard

# Dataset sizes the scale simulation runs at, and measured Map runs (one shard each) per size.
SCALE_SIZES ?= 10000,100000,1000000
SCALE_RUNS ?= 3

.PHONY: scale
scale: tools ## The one-machine scale simulation (SCALE_SIZES facts, published to versitygw, served and generated under aws-lambda-rie): build/scale.md.
	@mkdir -p build
	FACTCARD_VERSITYGW=$(VERSITYGW) FACTCARD_RIE=$(RIE) FACTCARD_SCALE_SIZES=$(SCALE_SIZES) FACTCARD_SCALE_RUNS=$(SCALE_RUNS) \
		FACTCARD_SCALE_REPORT_FILE=$(CURDIR)/build/scale.md $(GO) test ./infra -run '^TestScale$$' -count=1 -v -timeout 4h | grep -E '^\s+scale_test|^(ok|FAIL|---)'
	@cat build/scale.md

.PHONY: golden
golden: ## Regenerate the card golden images in render/testdata/golden (look at them before committing).
	$(GO) test ./render -run Golden -update

.PHONY: fonts
fonts: ## Regenerate the font subsets in render/fonts and render/fonts/world, and faces.txt (needs Debian's Noto packages and fonttools; ~8 min).
	render/fonts/subset.sh

.PHONY: dicts
dicts: ## Regenerate the Thai, Lao, Khmer and Myanmar word lists in render/fonts/world/dict (see its build.sh for the packages).
	sh render/fonts/world/dict/build.sh

# Where a tool cannot be had, say why and go on: the tests that need it skip,
# saying so. With FACTCARD_REQUIRE_TOOLS=1 (.ci/run sets it) make stops instead,
# and the tests fail rather than skip, so that CI runs every test.
# $(call tool_missing,TOOL,WHY,WHAT TO DO) -- no commas inside the arguments.
define tool_missing
if [ "$${FACTCARD_REQUIRE_TOOLS:-}" = 1 ]; then \
		echo "$(1) not available: $(2). FACTCARD_REQUIRE_TOOLS=1 wants every test to run: $(3)." >&2; exit 1; fi; \
	echo "$(1) not available: $(2). The tests that need it will skip; to run them $(3)." >&2
endef

.PHONY: tools
tools: ## Build the pinned test servers (versitygw, aws-lambda-rie) into the cache; one that does not build here is skipped.
	@for tool in $(VERSITYGW) $(RIE); do \
		[ -x $$tool ] || $(MAKE) $$tool || { $(call tool_missing,$$(basename $$tool | sed 's/-v[0-9].*//'),it did not build on this machine (see above),build it and set FACTCARD_VERSITYGW or FACTCARD_RIE to its path); }; \
	done

# go install into a temporary GOBIN, then rename: a half-built tool never looks finished.
define go_install
	@mkdir -p $(TOOLS_DIR)
	@echo "building $(notdir $@) (once; cached in $(TOOLS_DIR))"
	@tmp=$$(mktemp -d $(TOOLS_DIR)/.build-XXXXXX) && \
		GOBIN=$$tmp CGO_ENABLED=0 $(GO) install $(1) && \
		mv $$tmp/$(2) $@ && rm -rf $$tmp
endef

$(VERSITYGW):
	$(call go_install,github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION),versitygw)

$(RIE):
	$(call go_install,github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION),aws-lambda-rie)

$(STATICCHECK):
	$(call go_install,honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION),staticcheck)

$(BENCHSTAT):
	$(call go_install,golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION),benchstat)

# Debian's chromium for the browser tests; apt keeps it, so this runs once per
# machine. Elsewhere (macOS: no apt-get) say why, and the browser tests skip.
.PHONY: chromium
chromium: ## Install Chromium (Debian's chromium package) for the browser tests when missing and apt-get can.
	@if [ -n "$${FACTCARD_CHROMIUM:-}" ] || command -v chromium >/dev/null; then exit 0; fi; \
		why=; sudo=; \
		if ! command -v apt-get >/dev/null; then why="not on PATH and no apt-get to install it with"; \
		elif [ "$$(id -u)" -ne 0 ]; then \
			if command -v sudo >/dev/null; then sudo=sudo; else why="installing it needs root or sudo"; fi; \
		fi; \
		if [ -z "$$why" ]; then \
			echo "installing chromium (once) with apt-get"; \
			if $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
				&& command -v chromium >/dev/null; then chromium --version; exit 0; fi; \
			why="apt-get did not install it (see above)"; \
		fi; \
		$(call tool_missing,chromium,$$why,install Chromium and put it on PATH as chromium or set FACTCARD_CHROMIUM to it)

# BRAND names a brand folder (brand.json and its files, see README "Your brand")
# to bundle beside each bootstrap as brand/, which the functions load at start:
# `BRAND=infra/brands/example sam build`, relative to the repository root or
# absolute. Empty: no folder, the built-in brand. The brand is checked first, so
# a bad one fails the build, not the deployed function.
BRAND ?=

# bundle_brand copies $(BRAND)'s brand.json and the files it names, nothing else
# (no dotfiles, .git or links out of the folder), to $(1)/brand, checking the
# brand before and after; or removes $(1)/brand without one.
define bundle_brand
	@rm -rf "$(1)/brand"
	@if [ -n "$(BRAND)" ]; then $(GO) run ./cmd/factcard brand bundle "$(BRAND)" "$(1)/brand"; fi
endef

# The world faces (render/fonts/world: the scripts beyond Latin, Greek, Cyrillic,
# Devanagari and Arabic; CJK; the colour emoji) are not in the bootstraps: they
# ship in one Lambda layer both functions share, which Lambda unpacks at
# /opt/fonts (see README, "Fonts").
WORLD_FONTS = $(wildcard render/fonts/world/*.ttf render/fonts/world/*.otf) render/fonts/world/OFL.txt
# The word lists Thai, Lao, Khmer and Burmese lines break with travel with them.
WORLD_DICTS = $(wildcard render/fonts/world/dict/*.txt render/fonts/world/dict/LICENSE-*) render/fonts/world/dict/SHA256SUMS

# bundle_fonts copies the world faces and their licence to $(1)/fonts.
define bundle_fonts
	@rm -rf "$(1)/fonts" && mkdir -p "$(1)/fonts/dict" && cp $(WORLD_FONTS) "$(1)/fonts/" && cp $(WORLD_DICTS) "$(1)/fonts/dict/"
endef

.PHONY: build
build: ## Build both Lambda bootstraps (linux/arm64) and the fonts layer into build/ and print their sizes (BRAND=dir bundles a brand).
	$(LAMBDA_BUILD) -o build/api/bootstrap ./functions/api
	$(LAMBDA_BUILD) -o build/generate/bootstrap ./functions/generate
	$(call bundle_brand,build/api)
	$(call bundle_brand,build/generate)
	$(call bundle_fonts,build/fonts-layer)
	@ls -l build/api/bootstrap build/generate/bootstrap | awk '{printf "  %-26s %6.1f MiB\n", $$NF, $$5/1048576}'
	@du -sb build/fonts-layer | awk '{printf "  %-26s %6.1f MiB (unpacked at /opt/fonts)\n", $$2, $$1/1048576}'

# sam build (BuildMethod: makefile) runs these in a copy of the repository, with
# sam's environment: BRAND=dir sam build bundles that brand into both functions.
.PHONY: build-ApiFunction build-GenerateFunction
build-ApiFunction: ## (run by sam build) The api bootstrap, and $(BRAND) as brand/, into ARTIFACTS_DIR.
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/api
	$(call bundle_brand,$(ARTIFACTS_DIR))

build-GenerateFunction: ## (run by sam build) The generate bootstrap, and $(BRAND) as brand/, into ARTIFACTS_DIR.
	$(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/generate
	$(call bundle_brand,$(ARTIFACTS_DIR))

.PHONY: build-FontsLayer
build-FontsLayer: ## (run by sam build) The fonts layer: the world faces as fonts/ in ARTIFACTS_DIR.
	$(call bundle_fonts,$(ARTIFACTS_DIR))

.PHONY: deploy
deploy: ## Build with SAM and deploy (needs the SAM CLI and AWS credentials; asks before changing anything).
	cd infra && sam build && sam deploy

.PHONY: clean
clean: ## Remove build output and the local card store (keeps the tool cache).
	rm -rf build .aws-sam .factcard render/testdata/failed

.PHONY: clean-tools
clean-tools: ## Remove the cached tools; the next `make test` rebuilds them.
	rm -rf $(TOOLS_DIR)
