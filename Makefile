# dmcheck -- see README.md. Everything is built under build/.
#   make            library (static + shared) and the dmcheck CLI
#   make check      all proofs and tests; fails on any failure or ledger gap
#   make report     builds, runs every check, writes build/report/dmcheck-report.pdf
#   make reference  regenerates reference/vectors/*.csv
#   make bench      benchmarks (tests/bench/)
#   make mutants    mutation testing of the checks (tests/mutants/; not part of make check)
#   make check-mpref-audit  every suite row through references built with MPREF_AUDIT
#   make check-seeds  the seed sweep (202 seeds at DMC_POINTS_SCALE=0.1)
#   make install    PREFIX=/usr/local DESTDIR=
CC ?= cc
PREFIX ?= /usr/local
DESTDIR ?=
B := build
VERSION := 0.1.0

WARN := -std=c11 -Wall -Wextra -Werror -ffp-contract=off
OPT ?= -O2 -g
SAN ?=
CFLAGS_ALL = $(WARN) $(OPT) $(SAN) -fPIC -pthread $(CFLAGS)
# Include paths per layer: a directory sees only the layers below it, so the
# build itself enforces the layering (src/ never includes reference/, ...).
INC_src := -Isrc
INC_src/cli := -Isrc/cli -Isrc -Ireference -Ireport
INC_reference := -Ireference -Isrc -Ireport  # report/csvread.h: the one CSV reader (vecfile.c)
INC_report := -Ireport
INC_proofs := -Iproofs -Ireference -Isrc -Ireport
INC_tests := -Itests -Isrc -Ireference -Ireport -Iproofs
# (a subdirectory of tests/ gets its own path and the tests' paths)
layer_dir = $(patsubst %/,%,$(dir $<))
layer_inc = $(or $(INC_$(layer_dir)),$(if $(filter tests/%,$(layer_dir)),-I$(layer_dir) $(INC_tests)),\
  $(error $<: no include path for the layer $(layer_dir); add INC_$(layer_dir) to the Makefile))
# Only the documented API (DMC_API in dmcheck.h) is exported by libdmcheck.so.
VIS_src := -fvisibility=hidden
CPPFLAGS_ALL = $(layer_inc) \
  -DDMC_RESULTS_DEFAULT='"$(CURDIR)/$(B)/results"' \
  -DDMC_BUDGETS_FILE='"$(CURDIR)/tests/budgets.tsv"' \
  -DDMC_SOURCE_DIR='"$(CURDIR)"' -DDMC_BUILD_DIR='"$(CURDIR)/$(B)"' $(CPPFLAGS)
LIBS_NUM := -lgsl -lgslcblas -lm
LIBS_REF := -lmpfr -lgmp -ljansson
LDFLAGS_ALL = $(SAN) -pthread $(LDFLAGS)

LIB_SRCS := $(wildcard src/*.c)
REF_SRCS := $(wildcard reference/*.c)
SUP_SRCS := report/evidence.c report/evschema.c report/budgets.c report/csvread.c report/csvnum.c \
  report/pow5_table.c
CLI_SRCS := $(wildcard src/cli/*.c)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_SUP := $(filter-out $(TEST_SRCS),$(wildcard tests/*.c))
PROOF_SRCS := $(filter-out proofs/qcheck.c,$(wildcard proofs/*.c))
BENCH_SRCS := $(wildcard tests/bench/*.c)
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
# report/covmap.c is its own program (the seed coverage map checker).
REPORT_SRCS := $(filter-out $(SUP_SRCS) report/covmap.c,$(wildcard report/*.c))
LEDGER_SRCS := $(filter-out report/mkreport.c,$(REPORT_SRCS))

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
TESTS := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRCS))
PROOFS := $(patsubst proofs/%.c,$(B)/proofs/%,$(PROOF_SRCS))
BENCHES := $(patsubst tests/bench/%.c,$(B)/bench/%,$(BENCH_SRCS))
FUZZERS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))
# C++ programs built against the installed header and library (tests/cxx/).
CXX_TESTS := $(patsubst tests/cxx/%.cpp,$(B)/tests/cxx_%,$(wildcard tests/cxx/*.cpp))

LIBA := $(B)/lib/libdmcheck.a
LIBSO := $(B)/lib/libdmcheck.so
REFA := $(B)/lib/libdmcref.a
SUPA := $(B)/lib/libdmcsupport.a
CLI := $(B)/bin/dmcheck
# libdmcverify (src/cli/dmcverify.h): suites, references and verify; the CLI
# is main.c on top of it.
VER_OBJS := $(call obj,$(filter-out src/cli/main.c,$(CLI_SRCS)) $(REF_SRCS) $(SUP_SRCS))
VERA := $(B)/lib/libdmcverify.a
VERSO := $(B)/lib/libdmcverify.so
MKREPORT := $(B)/bin/mkreport
DEPS_OK := $(B)/.deps-ok

.PHONY: all check report reference vectors-drift bench fuzz coverage install uninstall clean deps run-checks ledger check-asan check-valgrind coverage-map mutants check-seeds check-mpref-audit
.DELETE_ON_ERROR:
.SECONDARY:

all: $(LIBA) $(LIBSO) $(CLI) $(VERSO)

# Missing Debian packages are installed by the project's own script (as root)
# or named with the exact command to run (otherwise).
$(DEPS_OK): .ci/install-deps
	@mkdir -p $(B)
	@bash .ci/install-deps
	@touch $@
deps: $(DEPS_OK)

$(B)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(VIS_$(layer_dir)) -MMD -MP -c $< -o $@

$(LIBA): $(call obj,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(LIBSO): $(call obj,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libdmcheck.so.0 $(LDFLAGS_ALL) -o $@ $^ $(LIBS_NUM)
$(REFA): $(call obj,$(REF_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(SUPA): $(call obj,$(SUP_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(VERA): $(VER_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(VERSO): $(VER_OBJS) $(call obj,$(LIB_SRCS)) src/cli/dmcverify.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libdmcverify.so.0 -Wl,--version-script=src/cli/dmcverify.map $(LDFLAGS_ALL) \
	  -o $@ $(filter %.o,$^) $(LIBS_REF) $(LIBS_NUM)

$(CLI): $(B)/obj/src/cli/main.o $(VERA) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_REF) $(LIBS_NUM)

$(B)/tests/%: $(B)/obj/tests/%.o $(call obj,$(TEST_SUP)) $(REFA) $(SUPA) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS_REF) $(LIBS_NUM)

# The bad-cases test walks the function registry of the CLI (linked first).
$(B)/tests/test_bad_cases: $(B)/obj/src/cli/cli_functions.o $(B)/obj/tests/test_bad_cases.o $(call obj,$(TEST_SUP)) $(REFA) $(SUPA) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS_REF) $(LIBS_NUM)

# test_vectors compares the `dmcheck eval` functions with the suites they share.
$(B)/tests/test_vectors: $(B)/obj/tests/test_vectors.o $(B)/obj/src/cli/cli_functions.o $(call obj,$(TEST_SUP)) \
    $(REFA) $(SUPA) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS_REF) $(LIBS_NUM)

# test_cand_ahead reads candidates with the CLI's reader (libdmcverify).
$(B)/obj/tests/test_cand_ahead.o: CFLAGS += -Isrc/cli
$(B)/tests/test_cand_ahead: $(B)/obj/tests/test_cand_ahead.o $(call obj,$(TEST_SUP)) $(VERA) $(REFA) $(SUPA) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS_REF) $(LIBS_NUM)

# The ledger's own test links the ledger (tests/ledger/ holds its fixtures).
$(B)/tests/test_ledger: $(B)/obj/tests/test_ledger.o $(call obj,$(LEDGER_SRCS)) $(SUPA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka -lm

# The report's units (claims parser, theory reader, evidence writer).
$(B)/tests/test_report_units: $(B)/obj/tests/test_report_units.o $(call obj,$(LEDGER_SRCS)) $(SUPA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka -lm

# Proofs are independent of src/: they link only the reference and support code.
$(B)/proofs/%: $(B)/obj/proofs/%.o $(B)/obj/proofs/qcheck.o $(REFA) $(SUPA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_REF) $(LIBS_NUM)

$(B)/bench/%: $(B)/obj/tests/bench/%.o $(REFA) $(SUPA) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_REF) $(LIBS_NUM)

# libFuzzer harnesses (tests/fuzz/): the code they reach is built with clang,
# libFuzzer's coverage, ASan and UBSan; the library is linked as built.
FUZZ_CC ?= clang-14
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SUP_SRCS := $(REF_SRCS) $(SUP_SRCS) $(filter-out report/mkreport.c,$(REPORT_SRCS)) \
  $(filter-out src/cli/main.c,$(CLI_SRCS))
$(B)/fuzzobj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS_ALL) -std=c11 -Wall -Wextra -Werror -Wno-unknown-warning-option -ffp-contract=off \
	  -Isrc/cli -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -MP -c $< -o $@
$(B)/fuzz/%: $(B)/fuzzobj/tests/fuzz/%.o $(patsubst %.c,$(B)/fuzzobj/%.o,$(FUZZ_SUP_SRCS)) $(LIBA)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LIBS_REF) $(LIBS_NUM) -lm

# `make install` into $(B)/stage, then C++ consumers compiled with the
# installed pkg-config file (which also checks dmcheck.pc and its Requires).
STAGE := $(B)/stage
STAGE_PC = PKG_CONFIG_PATH=$(CURDIR)/$(STAGE)/lib/pkgconfig pkg-config
$(STAGE)/.installed: $(LIBA) $(LIBSO) $(CLI) src/dmcheck.h src/dmcheck.pc.in
	@$(MAKE) --no-print-directory -s install PREFIX=$(CURDIR)/$(STAGE) > /dev/null
	@touch $@
$(B)/tests/cxx_%: tests/cxx/%.cpp $(STAGE)/.installed
	@mkdir -p $(dir $@)
	$(CXX) -std=c++11 -Wall -Wextra -Werror $(OPT) $(SAN) $$($(STAGE_PC) --cflags dmcheck) \
	  -DDMC_INSTALLED_SO='"$(CURDIR)/$(STAGE)/lib/libdmcheck.so"' $< -o $@ \
	  -Wl,-rpath,$(CURDIR)/$(STAGE)/lib $$($(STAGE_PC) --libs dmcheck) -ldl

$(MKREPORT): $(call obj,$(REPORT_SRCS)) $(SUPA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lm

# ---- running the checks -------------------------------------------------
# Every proof and test program runs (two at a time); each leaves its exit
# status in build/results/status/. A failing program does not stop the
# others, so `make report` can still show what failed. `make check` runs the
# reference-vector drift check (one job per suite) and the Python tests in
# the same pool of two, so nothing runs alone at the end; their statuses go
# to build/results/jobs/ (status/ lists the programs only: the report's
# wall-time table reads it).
RESULTS := $(B)/results
JOBS := $(RESULTS)/jobs
# Slowest first (CPU seconds of each job, measured on the idle 2-core
# machine): with -j2 the long jobs overlap the many short ones instead of
# ending the run alone. Names: a program under $(B)/, drift/SUITE (the drift
# check of one suite) or python (the Python tests); the jobs not named here
# follow in their own order.
SLOW_FIRST := tests/test_gauss python tests/test_oracle tests/test_vectors tests/test_sde tests/test_dps tests/test_elbo \
  tests/test_samplers_numpy tests/test_ddmath tests/test_cli_io tests/test_sampler_check tests/test_tweedie \
  proofs/sde tests/test_schedule tests/test_shard proofs/elbo proofs/ddpm002 drift/discretized_gaussian_loglik_tanh \
  tests/test_dsm tests/test_empirical proofs/dps tests/test_normal tests/test_verify tests/test_cand_ahead \
  proofs/tweedie tests/test_langevin_law tests/test_accuracy_sweep tests/test_ref_edges proofs/gauss proofs/schedule \
  tests/test_langevin tests/test_api_edges drift/discretized_loglik
ALL_RUN := $(PROOFS) $(TESTS) $(CXX_TESTS)
RUN_ORDER := $(foreach p,$(SLOW_FIRST),$(filter $(B)/$(p),$(ALL_RUN))) \
  $(filter-out $(addprefix $(B)/,$(SLOW_FIRST)),$(ALL_RUN))
RUNS := $(patsubst $(B)/%,$(RESULTS)/status/%.status,$(RUN_ORDER))
RUN_ENV := DMC_RESULTS=$(CURDIR)/$(RESULTS) $(if $(DMC_POINTS_SCALE),DMC_POINTS_SCALE=$(DMC_POINTS_SCALE))

# The pool's other jobs (POOL_DRIFT=1: the drift check; POOL_PYTHON=1: the
# Python tests), set by the sub-make that runs the pool. The suites are
# listed by the CLI, built before the pool starts; drift/stale checks that
# listing and the committed files without a suite.
# (Simple variables: the CLI runs once per make, not at every expansion.)
ifneq ($(POOL_DRIFT),)
DRIFT_SUITES := $(shell $(CLI) list --suites 2>/dev/null)
DRIFT_JOBS := $(addprefix drift/,$(DRIFT_SUITES) stale)
endif
EXTRA_JOBS := $(DRIFT_JOBS) $(if $(POOL_PYTHON),python)
ALL_JOBS := $(patsubst $(B)/%,%,$(RUN_ORDER)) $(EXTRA_JOBS)
POOL_ORDER := $(foreach j,$(SLOW_FIRST),$(filter $(j),$(ALL_JOBS))) $(filter-out $(SLOW_FIRST),$(ALL_JOBS))
POOL := $(foreach j,$(POOL_ORDER),$(if $(filter $(j),$(EXTRA_JOBS)),$(JOBS)/$(j).status,$(RESULTS)/status/$(j).status))

$(RESULTS)/status/%.status: $(B)/% FORCE
	@mkdir -p $(dir $@)
	@start=$$(date +%s.%N); \
	  $(RUN_ENV) $(RUN_PREFIX) ./$< > $(RESULTS)/status/$(subst /,_,$*).log 2>&1; \
	  status=$$?; echo $$status > $@; \
	  secs=$$(echo "$$(date +%s.%N) $$start" | awk '{printf "%.1f", $$1 - $$2}'); \
	  echo $$secs > $(RESULTS)/status/$(subst /,_,$*).time; \
	  if [ $$status -ne 0 ]; then echo "FAIL  $* (exit $$status, $$secs s); log: $(RESULTS)/status/$(subst /,_,$*).log"; \
	    tail -n 25 $(RESULTS)/status/$(subst /,_,$*).log; else echo "pass  $* ($$secs s)"; fi
FORCE:

# One suite of the drift check: `dmcheck ref SUITE` into $(B)/vectors, byte
# for byte against reference/vectors/SUITE.csv. Status 0 or 1; a failure
# leaves its one-line reason in jobs/drift/SUITE.log (DRIFT_REPORT prints it).
$(JOBS)/drift/%.status: FORCE | $(JOBS)/drift/.dir
	@s=$*; \
	  if [ "$$s" = stale ]; then \
	    msg=$$(suites=$$($(CLI) list --suites) || { echo "drift: dmcheck list --suites failed"; exit 0; }; \
	      for f in $(VEC_DIR)/*.csv; do \
	        [ -e "$$f" ] || continue; n=$$(basename $$f .csv); \
	        case " $$(echo $$suites) " in *" $$n "*) ;; *) echo "drift: $$f has no suite (stale file)";; esac; \
	      done); \
	  elif ! $(CLI) ref $$s -o $(B)/vectors/$$s.csv 2>$(B)/vectors/$$s.err; then \
	    msg="drift: dmcheck ref $$s failed: $$(tail -n 1 $(B)/vectors/$$s.err)"; \
	  elif [ ! -f $(VEC_DIR)/$$s.csv ]; then \
	    msg="drift: $(VEC_DIR)/$$s.csv is missing (run make reference)"; \
	  elif ! cmp -s $(VEC_DIR)/$$s.csv $(B)/vectors/$$s.csv; then \
	    msg="drift: $(VEC_DIR)/$$s.csv differs from dmcheck ref $$s ($(B)/vectors/$$s.csv)"; \
	  else msg=; fi; \
	  if [ -n "$$msg" ]; then echo "$$msg" > $(JOBS)/drift/$$s.log; echo 1 > $@; else echo 0 > $@; fi
$(JOBS)/drift/.dir:
	@mkdir -p $(dir $@) $(B)/vectors && touch $@

# The drift check's verdict from the statuses (status=0 or 1): prints the
# reason of every failed suite, nothing when all passed.
DRIFT_REPORT = status=0; for f in $(JOBS)/drift/*.status; do \
    v=; { read -r v < $$f; } 2>/dev/null; [ "$$v" = 0 ] || { status=1; cat "$${f%.status}.log" 2>/dev/null || echo "drift: no result for $$f"; }; \
  done; [ -e $(JOBS)/drift/stale.status ] || { status=1; echo "drift: the check did not run"; }; \
  if [ $$status -ne 0 ]; then echo "make check: reference vectors drifted (see above; make reference regenerates them)"; fi

# the CLI, libdmcverify and the installed stage first, here: the sub-make
# below and the jobs in it then only read them, never relink them under a
# running program
run-checks: $(CLI) $(VERSO) | $(DEPS_OK)
	@$(MAKE) --no-print-directory -s -j2 all $(PROOFS) $(TESTS) $(CXX_TESTS) $(MKREPORT) $(CLI)
	@mkdir -p $(RESULTS) && find $(RESULTS) -mindepth 1 -maxdepth 1 ! -name 'mutants.*' ! -name 'coverage.tex' -exec rm -rf {} +
	@$(if $(POOL_DRIFT),rm -rf $(B)/vectors && echo "DRIFT $(VEC_DIR)/*.csv against a fresh dmcheck ref (one job per suite, in the pool)")
	@$(MAKE) --no-print-directory -j2 pool-jobs POOL_DRIFT=$(POOL_DRIFT) POOL_PYTHON=$(POOL_PYTHON)
.PHONY: pool-jobs
pool-jobs: $(POOL)

# The reproducibility data of the run (key<TAB>value; the report's appendix).
pkgver = $$(dpkg-query -W -f='$${Version}' $(1) 2>/dev/null || echo unknown)
BUILD_INFO = { \
  printf 'commit\t%s\n' "$$(git rev-parse HEAD 2>/dev/null || echo unknown)"; \
  printf 'tree\t%s\n' "$$(if [ -z "$$(git status --porcelain 2>/dev/null)" ]; then echo clean; else echo dirty; fi)"; \
  printf 'compiler\t%s\n' "$$($(CC) --version | head -n 1)"; \
  printf 'flags\t%s\n' "$(strip $(CFLAGS_ALL))"; \
  printf 'GMP\t%s\n' "$(call pkgver,libgmp-dev)"; \
  printf 'MPFR\t%s\n' "$(call pkgver,libmpfr-dev)"; \
  printf 'GSL\t%s\n' "$(call pkgver,libgsl-dev)"; \
  printf 'cmocka\t%s\n' "$(call pkgver,libcmocka-dev)"; \
  printf 'TeX\t%s\n' "$$(pdflatex --version | head -n 1)"; \
  printf 'CPU\t%s\n' "$$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"; \
  printf 'cores\t%s\n' "$$(nproc)"; \
  printf 'programs at a time\t2 (make -j2)\n'; \
  printf 'points scale\t%s\n' "$(or $(DMC_POINTS_SCALE),1)"; \
  printf 'date\t%s\n' "$$(date -u '+%Y-%m-%d %H:%M UTC')"; }

# claims.csv from theory/ and the evidence; fails on orphan or unevidenced claims
# and on mathematical claims without a controlled statement-level check.
ledger: run-checks
	@mkdir -p $(B)/report/gen
	@$(BUILD_INFO) > $(RESULTS)/buildinfo.tsv
	@$(MKREPORT) --theory theory --results $(RESULTS) --budgets tests/budgets.tsv --out $(B)/report/gen --figures report/figures

# Programs whose recorded exit status is not 0 (or that left none).
FAILED_RUNS = for f in $(RUNS); do [ "$$(cat $$f 2>/dev/null)" = 0 ] || { g="$${f\#$(RESULTS)/status/}"; echo "$${g%.status}"; }; done

# The seed coverage map (theory/seed_coverage.tex): every row names known
# claims or a reason; the rejection fixture must give exactly its 5 problems.
COVMAP := $(B)/bin/covmap
$(COVMAP): report/covmap.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(OPT) $(SAN) -D_DEFAULT_SOURCE $(CFLAGS) $(LDFLAGS_ALL) -o $@ $<
coverage-map: $(COVMAP)
	@$(COVMAP) theory || { echo "make check: the seed coverage map has problems (see above)"; exit 1; }
	@out=$$($(COVMAP) tests/covmap/reject 2>&1); status=$$?; \
	  if [ $$status -ne 1 ] || ! echo "$$out" | grep -q '; 5 problems$$'; then \
	    echo "$$out"; echo "make check: covmap did not reject tests/covmap/reject with its 5 problems"; exit 1; fi

# check runs the drift check and the Python tests in the pool of run-checks
# (the variables reach run-checks through ledger).
check: POOL_DRIFT = 1
check: POOL_PYTHON = 1
check: ledger coverage-map
	@$(DRIFT_REPORT); bad=$$status; \
	  [ "$$(cat $(JOBS)/python.status 2>/dev/null)" = 0 ] || { bad=1; echo "make check: the Python tests failed (python-check; log: $(JOBS)/python.log)"; }; \
	  failed=$$($(FAILED_RUNS)); total=$(words $(RUNS)); \
	  if [ $(words $(RUNS)) -eq 0 ]; then echo "make check: no proof or test programs found"; exit 1; fi; \
	  if [ -n "$$failed" ]; then echo "make check: FAILED (of $$total programs):"; echo "$$failed" | sed 's/^/  /'; exit 1; fi; \
	  [ $$bad = 0 ] || exit 1; \
	  echo "make check: all $$total programs passed; ledger: $(RESULTS)/claims.csv"

# ---- seed sweep -------------------------------------------------------------
# `make check-seeds` (not part of make check): the programs with statistical
# tests (those that record "statistical" evidence, whose outcome depends on
# chance), at DMC_POINTS_SCALE=0.1, under each seed of SEEDS; a failure names
# the seed and program. SEEDS_ALL=1 sweeps every seeded program (also the
# random-point exact and accuracy checks; about 3x longer). Last line:
# "check-seeds: F failures in S seeds x P programs".
SEEDS ?= $(shell seq 1 200) 65535 1000003
STAT_SRCS = $(shell grep -l '"statistical"' $(PROOF_SRCS) $(TEST_SRCS))
SEED_PROGS = $(if $(SEEDS_ALL),$(PROOFS) $(filter-out $(B)/tests/test_vectors $(B)/tests/test_verify $(B)/tests/test_bad_cases,$(TESTS)),\
  $(patsubst proofs/%.c,$(B)/proofs/%,$(patsubst tests/%.c,$(B)/tests/%,$(STAT_SRCS))))
check-seeds: | $(DEPS_OK)
	@$(MAKE) --no-print-directory -s -j2 $(SEED_PROGS)
	@bash tests/check-seeds.sh $(B)/seeds "$(SEEDS)" $(SEED_PROGS)
# The Python package's tests (src/python/tests, and the worked example) with
# Debian's python3 and python3-pytest; "no tests collected" (exit 5) fails.
# Not under sanitizers: python3 cannot load an ASan-built library (under
# make coverage it runs, so the library code only Python reaches is counted).
.PHONY: python-check
PYTHON ?= /usr/bin/python3
PY_TESTS := src/python/tests $(wildcard src/python/examples/test_*.py)
python-check: $(VERSO) $(CLI) | $(DEPS_OK)
	@rm -f $(JOBS)/python.status && $(MAKE) --no-print-directory $(JOBS)/python.status
	@[ "$$(cat $(JOBS)/python.status)" = 0 ]
# The job (also in make check's pool): status 0 or 1, pytest's output in
# jobs/python.log, printed when it ends.
$(JOBS)/python.status: $(VERSO) $(CLI) FORCE
	@mkdir -p $(dir $@)
	@case "$(SAN)" in *sanitize*) echo "python-check: skipped under SAN=$(SAN) (python3 cannot load a sanitizer build)"; \
	    echo 0 > $@; exit 0;; esac; \
	  start=$$(date +%s.%N); \
	  DMCHECK_LIB=$(CURDIR)/$(VERSO) DMCHECK_MAKE_B=$(B) $(PYTHON) -m pytest -q -p no:cacheprovider $(PY_TESTS) \
	    > $(JOBS)/python.log 2>&1; \
	  st=$$?; [ $$st -ne 5 ] || echo "python-check: no tests collected" >> $(JOBS)/python.log; \
	  echo "$$(date +%s.%N) $$start" | awk '{printf "%.1f\n", $$1 - $$2}' > $(JOBS)/python.time; \
	  cat $(JOBS)/python.log; \
	  if [ $$st -eq 0 ]; then echo "python-check: passed"; echo 0 > $@; \
	  else echo "python-check: FAILED (pytest exit $$st)"; echo 1 > $@; fi

# ---- reference vectors ----------------------------------------------------
# `make reference` rewrites reference/vectors/<suite>.csv for every suite that
# `dmcheck list --suites` names (deterministic: no timestamps, no seeds).
# `make check` regenerates every suite into $(B)/vectors and fails, naming the
# file, if a committed file differs, is missing, or has no suite (drift).
VEC_DIR := reference/vectors
reference: $(CLI)
	@mkdir -p $(VEC_DIR)
	@for s in $$($(CLI) list --suites); do \
	  echo "REF   $(VEC_DIR)/$$s.csv"; \
	  $(CLI) ref $$s -o $(VEC_DIR)/$$s.csv || exit 1; \
	done

vectors-drift: $(CLI)
	@rm -rf $(B)/vectors $(JOBS)/drift
	@echo "DRIFT $(VEC_DIR)/*.csv against a fresh dmcheck ref"
	@$(MAKE) --no-print-directory -j2 drift-jobs POOL_DRIFT=1
	@$(DRIFT_REPORT); exit $$status
.PHONY: drift-jobs
drift-jobs: $(patsubst %,$(JOBS)/%.status,$(DRIFT_JOBS))

REPORT_PDF := $(B)/report/dmcheck-report.pdf
# The typesetting defects that fail `make report`: overfull boxes over 1 pt,
# undefined references or citations (LaTeX's and hyperref's), empty links.
TEXLOG_CHECK = check_texlog() { \
  over=$$(sed -n 's/^Overfull \\[hv]box (\([0-9.]*\)pt too .*/\1/p' "$$1" | awk '$$1 > 1' | wc -l); \
  undef=$$(grep -c -e 'LaTeX Warning: Reference ' -e 'LaTeX Warning: Citation ' -e 'has been referenced but does not exist' "$$1"); \
  empty=$$(grep -c 'Suppressing empty link' "$$1"); \
  echo "make report: LaTeX log: $$over overfull box(es) over 1 pt, $$undef undefined reference(s), $$empty empty link(s)"; \
  [ "$$over$$undef$$empty" = 000 ] || { grep -n -A2 -e '^Overfull' -e 'LaTeX Warning: Reference ' \
    -e 'LaTeX Warning: Citation ' -e 'referenced but does not exist' -e 'Suppressing empty link' "$$1" | head -n 60; \
    echo "make report: typesetting defects (log: $$1)"; return 1; }; }; check_texlog
report: | $(DEPS_OK)
	@$(MAKE) --no-print-directory -j2 all
	-@$(MAKE) --no-print-directory ledger
	-@$(MAKE) --no-print-directory vectors-drift; echo $$? > $(RESULTS)/drift.status
	@test -f $(RESULTS)/claims.csv || { echo "make report: no ledger was written"; exit 1; }
	@mkdir -p $(B)/report/gen
	@for f in mutants coverage; do \
	  if [ -f $(RESULTS)/$$f.tex ]; then cp $(RESULTS)/$$f.tex $(B)/report/gen/; else rm -f $(B)/report/gen/$$f.tex; fi; done
	cd $(B)/report && TEXINPUTS=$(CURDIR)/report:$(CURDIR):$(CURDIR)/$(B)/report: BIBINPUTS=$(CURDIR)/report: \
	  latexmk -g -pdf -interaction=nonstopmode -halt-on-error -quiet \
	  -jobname=dmcheck-report $(CURDIR)/report/dmcheck-report.tex > latexmk.log 2>&1 \
	  || { tail -n 40 latexmk.log; echo "make report: LaTeX failed; log: $(B)/report/latexmk.log"; exit 1; }
	@echo "make report: wrote $(REPORT_PDF)"
	@$(TEXLOG_CHECK) $(B)/report/dmcheck-report.log
	@sh report/pagefill.sh $(REPORT_PDF) $(B)/report/dmcheck-report.toc || { echo "make report: pages more than half empty (see above)"; exit 1; }
	@failed=$$($(FAILED_RUNS)); status=0; \
	  if [ -n "$$failed" ]; then echo "make report: programs failed (the report shows what):"; echo "$$failed" | sed 's/^/  /'; status=1; fi; \
	  if [ -s $(RESULTS)/ledger-errors.txt ]; then echo "make report: ledger problems:"; sed 's/^/  /' $(RESULTS)/ledger-errors.txt; status=1; fi; \
	  if [ "$$(cat $(RESULTS)/drift.status)" != 0 ]; then echo "make report: reference vectors drifted (see above)"; status=1; fi; \
	  exit $$status

# The same checks under AddressSanitizer + UndefinedBehaviorSanitizer, and
# under valgrind (memcheck, leak check), each in its own build directory.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-asan:
	$(MAKE) --no-print-directory B=$(B)/asan SAN="$(SAN_FLAGS)" OPT="-O1 -g" check
check-valgrind:
	$(MAKE) --no-print-directory B=$(B)/valgrind DMC_POINTS_SCALE=0.01 \
	  RUN_PREFIX="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" check

# Line and branch coverage (gcovr) of every check, per directory: the checks
# run once in build/coverage with --coverage at -O0 (1/10 of the random
# points); the table is printed even when a check fails, and the target then
# fails. Full per-file listing: build/coverage/coverage.txt.
COV_DIRS := src/ src/cli/ reference/ report/
coverage: | $(DEPS_OK)
	@mkdir -p $(B)/coverage && find $(B)/coverage -name "*.gcda" -delete
	@find $(B)/coverage/obj -name "*.gcno" 2>/dev/null | while read g; do \
	  s=$${g#$(B)/coverage/obj/}; [ -e "$${s%.gcno}.c" ] || rm -f "$$g" "$${g%.gcno}.o"; done # sources gone
	@$(MAKE) --no-print-directory B=$(B)/coverage SAN=--coverage OPT="-O0 -g" DMC_POINTS_SCALE=0.1 check \
	  > $(B)/coverage.log 2>&1; echo $$? > $(B)/coverage.status
	@cd $(B)/coverage && gcovr --root $(CURDIR) --object-directory $(CURDIR)/$(B)/coverage/obj \
	  $(foreach d,$(COV_DIRS),--filter $(CURDIR)/$(d)) --exclude-unreachable-branches \
	  --json-summary coverage.json --txt coverage.txt
	@mkdir -p $(RESULTS) && python3 tests/coverage_table.py --tex $(RESULTS)/coverage.tex $(B)/coverage/coverage.json $(COV_DIRS)
	@if [ "$$(cat $(B)/coverage.status)" != 0 ]; then \
	  echo "make coverage: make check failed under coverage (log: $(B)/coverage.log)"; tail -n 20 $(B)/coverage.log; exit 1; fi

# ---- mutation testing (not part of make check) ---------------------------
# Applies each mutant of tests/mutants/catalogue.txt to a scratch copy of the
# tree (build/mutants/work*), rebuilds, runs the programs that must catch it.
# Ends with `mutants: K killed of N`; writes $(RESULTS)/mutants.csv and the
# report's table $(RESULTS)/mutants.tex (kept by make check and make report).
# MUTANTS_ONLY=prefix,... runs a subset while iterating.
MUTANTS_JOBS ?= 2
mutants: | $(DEPS_OK)
	@/usr/bin/python3 tests/mutants/run.py --catalogue tests/mutants/catalogue.txt --work $(B)/mutants \
	  --csv $(RESULTS)/mutants.csv --jobs $(MUTANTS_JOBS) $(if $(MUTANTS_ONLY),--only $(MUTANTS_ONLY))

bench: $(BENCHES) $(VERSO)
	@for b in $(BENCHES); do ./$$b || exit 1; done
	@uptime
	@DMCHECK_LIB=$(CURDIR)/$(VERSO) $(PYTHON) tests/bench/bench_inprocess.py

# ---- the audit of the derived error bounds (not part of make check) -------
# The references built with MPREF_AUDIT (reference/mpref.h): every output of
# mpref_round_proved / mpref_round_each is evaluated again at more than twice
# the precision, and tests/audit/mpref_audit.c runs every row of every suite,
# eval and cross, through them; a bound that does not hold aborts the run.
AUDIT_OBJS := $(patsubst %.c,$(B)/auditobj/%.o,$(REF_SRCS))
$(B)/auditobj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -DMPREF_AUDIT $(CFLAGS_ALL) -MMD -MP -c $< -o $@
$(B)/audit/mpref_audit: $(B)/obj/tests/audit/mpref_audit.o $(AUDIT_OBJS) $(SUPA) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_REF) $(LIBS_NUM)
check-mpref-audit: $(B)/audit/mpref_audit
	@$<

# `make fuzz FUZZ_SECONDS=N` runs every harness for N seconds from the
# committed seeds (tests/fuzz/corpus/NAME for fuzz_NAME) with the dictionary; new inputs
# land in build/fuzz/corpus/NAME, findings in build/fuzz/findings/.
FUZZ_SECONDS ?= 60
FUZZ_NAMES = $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRCS))
fuzz: $(FUZZERS)
	@mkdir -p $(B)/fuzz/findings; status=0; \
	for n in $(FUZZ_NAMES); do \
	  mkdir -p $(B)/fuzz/corpus/$$n; \
	  ./$(B)/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -timeout=60 -rss_limit_mb=2048 -max_len=4096 \
	    -close_fd_mask=3 -print_final_stats=1 -dict=$(CURDIR)/tests/fuzz/dmcheck.dict \
	    -artifact_prefix=$(CURDIR)/$(B)/fuzz/findings/$$n- $(CURDIR)/$(B)/fuzz/corpus/$$n \
	    $(CURDIR)/tests/fuzz/corpus/$${n#fuzz_} \
	    > $(B)/fuzz/$$n.log 2>&1 || status=1; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(B)/fuzz/$$n.log); \
	  echo "fuzz  $$n: $${runs:-?} executions in $(FUZZ_SECONDS) s$$( [ $$status = 0 ] || echo ', FAILED (see $(B)/fuzz/'$$n'.log)')"; \
	  [ $$status = 0 ] || break; \
	done; exit $$status

# ---- install ------------------------------------------------------------
# The Python package (src/python/dmcheck) goes where Debian's python3 looks.
PYDIR = $(PREFIX)/lib/python3/dist-packages
install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(LIBA) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIBSO) $(DESTDIR)$(PREFIX)/lib/libdmcheck.so.0
	ln -sf libdmcheck.so.0 $(DESTDIR)$(PREFIX)/lib/libdmcheck.so
	install -m 644 src/dmcheck.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' src/dmcheck.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/dmcheck.pc
	install -d $(DESTDIR)$(PREFIX)/share/dmcheck/vectors $(DESTDIR)$(PYDIR)/dmcheck
	install -m 755 $(VERSO) $(DESTDIR)$(PREFIX)/lib/libdmcverify.so.0
	ln -sf libdmcverify.so.0 $(DESTDIR)$(PREFIX)/lib/libdmcverify.so
	install -m 644 src/cli/dmcverify.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(VEC_DIR)/*.csv $(DESTDIR)$(PREFIX)/share/dmcheck/vectors/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' src/cli/dmcverify.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/dmcverify.pc
	install -m 644 $(wildcard src/python/dmcheck/*.py) $(DESTDIR)$(PYDIR)/dmcheck/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/lib/libdmcheck.a $(DESTDIR)$(PREFIX)/lib/libdmcheck.so \
	  $(DESTDIR)$(PREFIX)/lib/libdmcheck.so.0 $(DESTDIR)$(PREFIX)/include/dmcheck.h \
	  $(DESTDIR)$(PREFIX)/bin/dmcheck $(DESTDIR)$(PREFIX)/lib/pkgconfig/dmcheck.pc \
	  $(DESTDIR)$(PREFIX)/lib/libdmcverify.so $(DESTDIR)$(PREFIX)/lib/libdmcverify.so.0 \
	  $(DESTDIR)$(PREFIX)/include/dmcverify.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/dmcverify.pc
	rm -rf $(DESTDIR)$(PREFIX)/share/dmcheck/vectors $(DESTDIR)$(PYDIR)/dmcheck

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj $(B)/fuzzobj $(B)/auditobj -name '*.d' 2>/dev/null)
