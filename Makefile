# sendcast — build, test and run.
#
#   make            build build/sendcast
#   make run        run the Kirklees cluster-working scenario (10,000 trajectories)
#   make test       build and run every test program (cmocka) and the model check
#   make asan       the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make deps       install missing Debian packages (run automatically by the above)
#   make clean
#
# Objects live under build/ (build/asan/ for the sanitizer build); header
# dependencies are tracked with -MMD -MP so only what a header touches is rebuilt,
# and a change of flags forces a rebuild through build/.../flags.

CC      ?= gcc
BUILD   ?= build

# `make MPI=1 ...` builds with Open MPI (mpicc) into build/mpi, for
# `mpirun -np R build/mpi/sendcast run ...` (docs/hpc.md).
MPI     ?=
ifeq ($(MPI),1)
CC       = mpicc
BUILD    = build/mpi
endif
PKGS     = gsl hdf5 libfyaml nettle xlsxwriter plplot zlib libzip
VERSION  = 0.3.0

# Debian packages the build, the tests and the model check need. `make deps`
# installs the ones that are missing (as root, on a fresh Debian 12 machine).
DEB_PKGS = build-essential pkg-config libgsl-dev libhdf5-dev hdf5-tools zlib1g-dev \
           libfyaml-dev libcmocka-dev nettle-dev librandom123-dev libzip-dev \
           python3 python3-numpy python3-h5py python3-yaml git ca-certificates \
           libxlsxwriter-dev libplplot-dev plplot-driver-cairo chromium fonts-dejavu-core \
           python3-pil unzip time valgrind clang libclang-rt-14-dev
ifeq ($(MPI),1)
DEB_PKGS += libopenmpi-dev openmpi-bin
MPI_CHECK = && command -v mpicc >/dev/null && command -v mpirun >/dev/null
endif

GIT_REV := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)

CFLAGS_BASE = -std=c17 -Wall -Wextra -Werror -pedantic -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -fopenmp -Iinclude -D_POSIX_C_SOURCE=200809L \
              -DSC_VERSION='"$(VERSION)"' -DSC_GIT_REV='"$(GIT_REV)"'
OPT        ?= -O2 -g
CFLAGS     += $(CFLAGS_BASE) $(OPT) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS     += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
LDFLAGS    += -fopenmp

# src/parallel/ has one file for each build: ranks_mpi.c with MPI=1, else
# ranks_single.c (the one process there is).
ifeq ($(MPI),1)
RANKS_OFF = src/parallel/ranks_single.c
else
RANKS_OFF = src/parallel/ranks_mpi.c
endif
LIB_SRC  = $(filter-out $(RANKS_OFF),$(sort $(wildcard src/*/*.c)))
MAIN_SRC = src/main.c
TEST_SRC = $(sort $(wildcard tests/test_*.c))

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ = $(MAIN_SRC:%.c=$(BUILD)/%.o)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
DEPFILES = $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BIN:=.d)

THREADS ?=

.PHONY: all run test test-mpi asan valgrind fuzz fuzz-scenario fuzz-result bench report-test clean deps check-deps unit model-check

all: check-deps $(BUILD)/sendcast

# Install what is missing; quiet when everything is there already.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (or: sudo make deps)" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "make deps: apt-get failed" >&2; exit 1; }; \
	fi

check-deps:
	@pkg-config --exists $(PKGS) cmocka 2>/dev/null && [ -f /usr/include/Random123/philox.h ] \
	  && command -v h5dump >/dev/null && /usr/bin/python3 -c 'import numpy, h5py, yaml, PIL' 2>/dev/null \
	  && command -v chromium >/dev/null && command -v unzip >/dev/null \
	  && dpkg-query -W -f='$${Status}' plplot-driver-cairo 2>/dev/null | grep -q "install ok installed" \
	  $(MPI_CHECK) || $(MAKE) --no-print-directory deps

$(BUILD)/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS) $(LDLIBS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS) $(LDLIBS)' > $@
FORCE:

$(BUILD)/%.o: %.c $(BUILD)/flags
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libsendcast.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/sendcast: $(MAIN_OBJ) $(BUILD)/libsendcast.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/%.c $(BUILD)/libsendcast.a $(BUILD)/flags
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP $< $(BUILD)/libsendcast.a $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

run: all
	@mkdir -p results
	$(BUILD)/sendcast run scenarios/kirklees-clusters.yaml -n 10000 --force $(if $(THREADS),-t $(THREADS))

# Unit tests (one cmocka program per module), then the independent model check,
# the sensitivity check (docs/sensitivity.md), the catalogue of bad inputs, and
# the check that no files call each other round a circle.
test: all $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; SC_BIN=$(BUILD)/sendcast $$t || fail=1; \
	done; \
	echo "== tests/model_check.py"; \
	/usr/bin/python3 tests/model_check.py --bin $(BUILD)/sendcast || fail=1; \
	echo "== tests/sensitivity_check.py"; \
	/usr/bin/python3 tests/sensitivity_check.py --bin $(BUILD)/sendcast || fail=1; \
	echo "== tests/bad/run.sh"; tests/bad/run.sh $(BUILD)/sendcast || fail=1; \
	echo "== tests/deps_check.py"; /usr/bin/python3 tests/deps_check.py $(BUILD) || fail=1; \
	if [ "$(MPI)" = 1 ]; then echo "== tests/mpi_check.sh"; tests/mpi_check.sh $(BUILD)/sendcast || fail=1; fi; \
	exit $$fail

# Small runs under valgrind memcheck (a money scenario, bounded, export,
# sensitivity and budgets from the bounded run's sample, the distribution of
# an output from both runs, init + run of a
# demand-only one from SEN2, a sweep and an attribution of levers and the
# attribution's report): no error and no leak (libgomp's thread
# pool, kept until exit, is suppressed: tests/valgrind.supp).
VALGRIND = valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
           --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
           --suppressions=tests/valgrind.supp
valgrind: all
	@tmp=$$(mktemp -d) && \
	$(VALGRIND) $(BUILD)/sendcast run tests/data/scenario/minimal.yaml -n 50 -t 2 -o $$tmp/v.h5 --quiet && \
	$(VALGRIND) $(BUILD)/sendcast run tests/data/scenario/minimal.yaml -n 600 -t 2 --memory 1 -o $$tmp/b.h5 --quiet && \
	$(VALGRIND) $(BUILD)/sendcast export $$tmp/v.h5 --csv $$tmp/v.csv --quiet && \
	$(VALGRIND) $(BUILD)/sendcast sensitivity $$tmp/b.h5 -t 2 --stress inflation:90-100 \
	  --csv $$tmp/s.csv --quiet && \
	$(VALGRIND) $(BUILD)/sendcast budgets $$tmp/b.h5 --total 40000 --csv $$tmp/bu.csv --quiet && \
	$(VALGRIND) $(BUILD)/sendcast distribution $$tmp/v.h5 --metric cumulative_deficit --year 2026 \
	  --threshold 1m --csv $$tmp/d.csv --chart $$tmp/d.svg --quiet && \
	$(VALGRIND) $(BUILD)/sendcast distribution $$tmp/b.h5 --metric hnb_balance --year 2025 \
	  --threshold -1m --csv $$tmp/db.csv --quiet && \
	$(VALGRIND) $(BUILD)/sendcast init --sen2 tests/data/sen2/r2022.zip --sen2 tests/data/sen2/r2025.zip \
	  --la Ickworth -o $$tmp/i.yaml --quiet && \
	$(VALGRIND) $(BUILD)/sendcast run $$tmp/i.yaml -n 50 -t 2 -o $$tmp/i.h5 --quiet && \
	$(VALGRIND) $(BUILD)/sendcast sweep tests/data/scenario/levers.yaml \
	  --set levers.fees.effect=-0.1,0.1 -n 30 -t 2 -o $$tmp/sw.h5 --csv $$tmp/sw.csv --quiet && \
	$(VALGRIND) $(BUILD)/sendcast attribute tests/data/scenario/minimal.yaml \
	  tests/data/scenario/levers.yaml -n 30 -t 2 -o $$tmp/a.h5 --chart $$tmp/a.svg --quiet && \
	$(VALGRIND) $(BUILD)/sendcast report $$tmp/a.h5 -o $$tmp/a.html --quiet && \
	rm -rf $$tmp && echo "valgrind: 12 passed, 0 failed"

# libFuzzer, FUZZ_SECONDS for each target, in fork mode, going on after a
# finding; crashes, hangs and leaks land in build/fuzz/<target>/ (crash-*,
# timeout-*, ...), and each one found becomes a regression case, which
# `make test` replays. Two targets:
#  - fuzz-scenario: the scenario reader, its CSV reader and validation
#    (fuzz/fuzz_scenario.c), seeded from every scenario the project has;
#    regressions in fuzz/regressions/;
#  - fuzz-result: the result reader, the reading path of export, compare and
#    report (fuzz/fuzz_result.c), in process and without the checksum, seeded
#    with real result files made here; HDF5 returns NULL where it asks for
#    absurd sizes (as malloc does in the release build), and HDF5's own leaks
#    on its error paths are not reported (fuzz/lsan-result.supp). Findings are
#    triaged (fuzz/triage.sh): each must be contained by the product (HDF5's
#    faults are, by the child process that reads first) and have one
#    regression case per signature in fuzz/regressions-result/.
FUZZ_SECONDS ?= 1800
FUZZ_CC = clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_POSIX_C_SOURCE=200809L \
	  -D_DEFAULT_SOURCE -Iinclude $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_SRC = fuzz/fuzz_scenario.c $(sort $(wildcard src/core/*.c src/scenario/*.c src/sen2/*.c src/priors/*.c))
FUZZ_RESULT_SRC = fuzz/fuzz_result.c $(sort $(wildcard src/core/*.c)) src/h5/h5_image.c src/h5/h5_read.c \
	  src/export/result.c src/compare/compare.c
FUZZ_LIBS = $(shell pkg-config --libs libfyaml gsl hdf5 nettle libzip 2>/dev/null) -lm
build/fuzz/fuzz_scenario: $(FUZZ_SRC) $(wildcard include/sendcast/*.h src/scenario/*.h src/sen2/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_SRC) $(FUZZ_LIBS) -o $@
build/fuzz/fuzz_result: $(FUZZ_RESULT_SRC) $(wildcard include/sendcast/*.h src/h5/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_RESULT_SRC) $(FUZZ_LIBS) -o $@

FUZZ_RUN = -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -fork=1 \
	  -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
# Findings of the last run of a target: each must become a regression case.
FUZZ_FOUND = found=$$(ls $$out | grep -E '^(crash|timeout|oom|leak)-' || true); \
	if [ -n "$$found" ]; then echo "make fuzz: found in $$out (each must become a regression):"; \
	  echo "$$found"; exit 1; else echo "make fuzz: nothing found in $(FUZZ_SECONDS) s ($$out)"; fi

fuzz: fuzz-scenario fuzz-result

fuzz-scenario: check-deps build/fuzz/fuzz_scenario
	@out=build/fuzz/scenario; rm -rf $$out/crash-* $$out/timeout-* $$out/oom-* $$out/leak-*; \
	mkdir -p $$out/corpus; \
	for f in scenarios/*.yaml tests/data/*/*.yaml; do \
	  { printf '\000'; cat $$f; } > $$out/corpus/seed-$$(echo $$f | tr / _); done; \
	{ printf '\001'; printf 'cluster,area,pupils,need,b1,b2\nc1,N,100,1.0,3,4\nc2,S,200,1.2,5,6\n'; } \
	  > $$out/corpus/seed-clusters.csv; \
	build/fuzz/fuzz_scenario $(FUZZ_RUN) -max_len=16384 -artifact_prefix=$$out/ $$out/corpus \
	  fuzz/regressions; $(FUZZ_FOUND)

# Seeds: small real results of every kind the reader meets (model 2 with
# cluster working and money, model 1 without cluster working, demand-only,
# bounded memory without /trajectories, a history from SEN2) and one built by
# another program (h5py).
fuzz-result: check-deps all build/fuzz/fuzz_result
	@out=build/fuzz/result; rm -rf $$out/crash-* $$out/timeout-* $$out/oom-* $$out/leak-*; \
	mkdir -p $$out/corpus $$out/seeds; s=$$out/seeds; \
	$(BUILD)/sendcast run scenarios/kirklees-clusters.yaml -n 2 -o $$s/kc.h5 --force --quiet && \
	$(BUILD)/sendcast run scenarios/kirklees-no-change-v1.yaml -n 2 -o $$s/nc1.h5 --force --quiet && \
	$(BUILD)/sendcast run tests/data/scenario/demand.yaml -n 3 -o $$s/demand.h5 --force --quiet && \
	$(BUILD)/sendcast run tests/data/scenario/minimal.yaml -n 2 -o $$s/minimal.h5 --force --quiet && \
	$(BUILD)/sendcast run tests/data/scenario/minimal.yaml -n 600 --memory 1 -o $$s/bounded.h5 \
	  --force --quiet && \
	$(BUILD)/sendcast run tests/data/scenario/sen2.yaml -n 3 -o $$s/sen2.h5 --force --quiet && \
	/usr/bin/python3 tests/craft_results.py --minimal $$s/h5py.h5 || exit 1; \
	ASAN_OPTIONS=allocator_may_return_null=1 \
	LSAN_OPTIONS=suppressions=fuzz/lsan-result.supp:print_suppressions=0 \
	build/fuzz/fuzz_result $(FUZZ_RUN) -max_len=700000 -artifact_prefix=$$out/ $$out/corpus \
	  $$s fuzz/regressions-result; \
	fuzz/triage.sh build/fuzz/fuzz_result $(BUILD)/sendcast $$out

# Built with MPI: 1, 2 and 3 ranks (and 1 vs 2 threads) give bit-identical files.
test-mpi:
	$(MAKE) MPI=1 all
	tests/mpi_check.sh build/mpi/sendcast

# Speed and memory, measured side by side (bench/bench.c). BENCH_MAX caps the largest run.
BENCH_MAX ?= 1000000
bench: all $(BUILD)/bench/bench
	@rate=$$(/usr/bin/python3 bench/numpy_rate.py $(BUILD)/sendcast scenarios/kirklees-clusters-v1.yaml) \
	  || exit 1; \
	$(BUILD)/bench/bench scenarios/kirklees-clusters-v1.yaml --max $(BENCH_MAX) --numpy-rate $$rate \
	  --models scenarios/kirklees-clusters-v1.yaml scenarios/kirklees-clusters.yaml
	@echo; echo "4. Memory of one run (max resident set size, /usr/bin/time):"
	@for n in $$(printf '%s\n' 10000 100000 $(BENCH_MAX) | sort -nu); do \
	  /usr/bin/time -f "   $$n trajectories: %M KB, %e s" $(BUILD)/sendcast run scenarios/kirklees-clusters.yaml \
	    -n $$n -o /tmp/sendcast-bench-mem.h5 --force --quiet || exit 1; \
	done; rm -f /tmp/sendcast-bench-mem.h5

$(BUILD)/bench/%: bench/%.c $(BUILD)/libsendcast.a $(BUILD)/flags
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP $< $(BUILD)/libsendcast.a $(LDFLAGS) $(LDLIBS) -o $@

# The steering group's report on the Kirklees scenarios (3,000 trajectories each),
# rendered by headless Chromium; the screenshot must be full size and show text,
# tables and fan charts (tests/screenshot_check.py).
REPORT_DIR = $(BUILD)/report-test
report-test: all
	@mkdir -p $(REPORT_DIR)
	$(BUILD)/sendcast run scenarios/kirklees-no-change.yaml -n 3000 -o $(REPORT_DIR)/nc.h5 --force --quiet
	$(BUILD)/sendcast run scenarios/kirklees-clusters.yaml -n 3000 -o $(REPORT_DIR)/kc.h5 --force --quiet
	$(BUILD)/sendcast report $(REPORT_DIR)/kc.h5 --compare $(REPORT_DIR)/nc.h5 -o $(REPORT_DIR)/report.html --force
	@rm -f $(REPORT_DIR)/report.png; profile=$$(mktemp -d); \
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	  --disable-background-networking --disable-component-update --disable-sync \
	  --user-data-dir=$$profile --screenshot=$(abspath $(REPORT_DIR))/report.png \
	  --window-size=1280,4000 file://$(abspath $(REPORT_DIR))/report.html >/dev/null 2>&1; \
	rm -rf $$profile
	/usr/bin/python3 tests/screenshot_check.py $(REPORT_DIR)/report.png 1280 4000

asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fopenmp -fsanitize=address,undefined" test

clean:
	rm -rf build

-include $(DEPFILES)
