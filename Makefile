# mr-tools: MapReduce as a Unix pipeline.
#
# Every program is bin/mr-X, linked with lib/libmr.a, from cmd/mr-X.c or,
# for a program of several concerns, from the files of cmd/mr-X/.  Objects
# of other builds (asan, static) go under build/ so they never mix.

PREFIX ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
WARNFLAGS = -Wall -Wextra -Wno-unused-parameter
STDFLAGS = -std=c11 -D_GNU_SOURCE -pthread
ALL_CFLAGS = $(STDFLAGS) $(WARNFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
# Programs are linked statically: they need nothing beyond libc, and on
# virtual machines a static program starts about 3 ms sooner (no dynamic
# loader, no shared library to map), which counts in pipelines and in
# mr-job, which starts a few programs per task.  LINK= links them
# dynamically, as asan does and valgrind runs should.
LINK ?= -static
ALL_LDFLAGS = -pthread $(LINK) $(LDFLAGS) $(EXTRA_LDFLAGS)
LDLIBS ?= -lm

# O names a separate output tree (O=build/asan holds its own objects,
# programs and library); by default programs go to bin/ and the library to
# lib/libmr.a.  BATS selects the bats files that "test" runs.
ifeq ($(O),)
BUILD = build/obj
BIN = bin
LIB = lib/libmr.a
else
BUILD = $(O)/obj
BIN = $(O)/bin
LIB = $(O)/libmr.a
endif
BATS ?= tests
ASAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
CMD_FILES := $(wildcard cmd/mr-*.c)
CMD_DIRS := $(patsubst %/,%,$(wildcard cmd/mr-*/))
CMD_SRC := $(CMD_FILES) $(wildcard $(CMD_DIRS:%=%/*.c))
PROGS := $(CMD_FILES:cmd/%.c=$(BIN)/%) $(CMD_DIRS:cmd/%=$(BIN)/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAYS := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)
MANS := $(wildcard man/*.1)
USER_SCRIPTS := $(filter-out %.c %.sh scripts/bench scripts/gen-%, $(wildcard scripts/mr-*))
DEV_TOOLS := $(BUILD)/tools/gendata $(BUILD)/tools/benchtime $(BUILD)/tools/tailbench \
    $(BUILD)/tools/tailmodel $(BUILD)/tools/tailpipe

.SECONDARY:
.PHONY: all test unit bats asan tsan static lint bench install uninstall clean demo tools \
	fuzz fuzz-harnesses fuzz-numbers hadoop-check

all: $(PROGS) $(DEV_TOOLS)

tools: $(DEV_TOOLS)

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BUILD)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -MMD -MP -c -o $@ $<

# The objects of program mr-X: of cmd/mr-X.c, or of every cmd/mr-X/*.c.
prog_objs = $(patsubst cmd/%.c,$(BUILD)/cmd/%.o,$(or $(wildcard cmd/$(1).c),$(wildcard cmd/$(1)/*.c)))

.SECONDEXPANSION:
$(BIN)/%: $$(call prog_objs,$$*) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -Itests/unit -o $@ $< $(LIB) $(LDLIBS)

# A fuzz harness linked with replay.c: runs every file of its corpus once.
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -Itests/fuzz -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS)

# The same harness linked with libFuzzer (clang only; see "fuzz" below).
$(BUILD)/fuzzer/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined -Ilib -Itests/fuzz \
	    -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tools/%: scripts/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDLIBS)

# The test command of the README: the C unit tests of lib/, every fuzz
# harness over its corpus, then every bats file, in TAP form (.ci/run counts
# the "ok" and "not ok" lines), and a summary naming what was skipped.
test: all $(UNITS) $(FUZZ_REPLAYS)
	@MR_BIN=$(abspath $(BIN)) MR_TOOLS=$(abspath $(BUILD)/tools) \
	    scripts/run-tests $(UNITS) $(FUZZ_REPLAYS) -- $(BATS)

# The whole suite again, built with AddressSanitizer and UBSan.
asan:
	$(MAKE) O=$(if $(O),$(O)-asan,build/asan) LINK= EXTRA_CFLAGS="-O1 $(ASAN_FLAGS)" \
	    EXTRA_LDFLAGS="$(ASAN_FLAGS)" test

# The threads of mr-reduce (-j, -H), mr-sort (-P) and mr-map (-P) under
# ThreadSanitizer: the unit tests and the bats files that run those modes,
# built with -fsanitize=thread and linked dynamically.  A race makes a
# program exit with status 66 and leaves a report in build/tsan/reports,
# and any report fails the target, whether or not a test looked at the
# status.  A thread still running when a program dies on an error is no
# leak (exit ends it): those reports are off.
TSAN_FLAGS = -fsanitize=thread -fno-omit-frame-pointer
TSAN_BATS = tests/mr-reduce.bats tests/mr-sort.bats tests/mr-map.bats tests/exact.bats
tsan:
	@rm -rf build/tsan/reports && mkdir -p build/tsan/reports
	@TSAN_OPTIONS="log_path=$(abspath build/tsan/reports)/race exitcode=66 \
	    report_thread_leaks=0 $(TSAN_OPTIONS)" \
	    $(MAKE) O=build/tsan LINK= EXTRA_CFLAGS="-O1 $(TSAN_FLAGS)" \
	    EXTRA_LDFLAGS="$(TSAN_FLAGS)" test BATS="$(TSAN_BATS)"; status=$$?; \
	if ls build/tsan/reports/race.* >/dev/null 2>&1; then \
		cat build/tsan/reports/race.*; \
		echo "make tsan: ThreadSanitizer reported the races above" >&2; \
		status=1; \
	fi; exit $$status

# Statically linked programs for shipping to cluster nodes, whatever LINK
# the main build uses (scripts/mr-hadoop looks here first).
static:
	$(MAKE) O=build/static LINK=-static all

# Coverage-guided fuzzing before a release: every harness under libFuzzer
# for FUZZ_SECONDS each (clang needed).  New inputs go to build/fuzz/corpus,
# findings to build/fuzz/findings; a finding worth keeping is copied into
# tests/fuzz/corpus/NAME/ so that make test replays it from then on.
# FUZZ=NAME... runs only those harnesses (fuzz_NAME.c).
FUZZ_SECONDS ?= 60
FUZZ ?= $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
fuzz: fuzz-harnesses fuzz-numbers

# The differential test of numbers (tests/exact.py, a few seconds in make
# test) for FUZZ_SECONDS more, from FUZZ_SEED (default: the time, printed;
# a failure names the seed that replays it).
fuzz-numbers: all
	@command -v python3 >/dev/null 2>&1 || { \
		echo "make fuzz-numbers needs python3" >&2; exit 1; }
	python3 tests/exact.py --bin $(BIN) --seed $${FUZZ_SEED:-$$(date +%s)} \
	    --seconds $(FUZZ_SECONDS) reduce errors sort

fuzz-harnesses:
	@command -v clang >/dev/null 2>&1 || { \
		echo "make fuzz needs clang (libFuzzer): apt-get install clang" >&2; exit 1; }
	$(MAKE) O=build/fuzz CC=clang LINK= \
	    EXTRA_CFLAGS="-O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined" \
	    $(FUZZ:%=build/fuzz/obj/fuzzer/fuzz_%)
	@status=0; for name in $(FUZZ); do \
		mkdir -p build/fuzz/corpus/$$name build/fuzz/findings; \
		echo "== fuzz $$name for $(FUZZ_SECONDS) s"; \
		build/fuzz/obj/fuzzer/fuzz_$$name -max_total_time=$(FUZZ_SECONDS) \
		    -print_final_stats=1 -artifact_prefix=build/fuzz/findings/$$name- \
		    build/fuzz/corpus/$$name tests/fuzz/corpus/$$name \
		    2>build/fuzz/$$name.log || { status=1; tail -n 30 build/fuzz/$$name.log; }; \
		grep -E '^stat::(number_of_executed_units|new_units_added):' build/fuzz/$$name.log; \
	done; exit $$status

# mr-job against real Hadoop Streaming, case by case (tests/hadoop/run);
# skipped with a message when Hadoop is not installed.  Not part of test.
hadoop-check: all
	tests/hadoop/run $(CASES)

lint:
	@if [ -z "$(MANS)" ]; then \
		echo "no man pages"; \
	elif command -v mandoc >/dev/null 2>&1; then \
		mandoc -Tlint -W warning $(MANS) && echo "man pages: ok"; \
	else \
		echo "mandoc not installed: man pages not checked"; \
	fi

bench: all
	scripts/bench

demo: all
	MR_BIN=$(abspath $(BIN)) MR_TOOLS=$(abspath $(BUILD)/tools) scripts/demo

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1
	for f in $(PROGS) $(USER_SCRIPTS); do \
		cp -f $$f $(DESTDIR)$(PREFIX)/bin/ || exit 1; \
	done
	for f in $(MANS); do \
		cp -f $$f $(DESTDIR)$(MANPREFIX)/man1/ || exit 1; \
	done

uninstall:
	rm -f $(PROGS:$(BIN)/%=$(DESTDIR)$(PREFIX)/bin/%) \
	    $(USER_SCRIPTS:scripts/%=$(DESTDIR)$(PREFIX)/bin/%) \
	    $(MANS:man/%=$(DESTDIR)$(MANPREFIX)/man1/%)

clean:
	rm -rf bin build lib/libmr.a

-include $(LIB_OBJ:.o=.d) $(CMD_SRC:cmd/%.c=$(BUILD)/cmd/%.d)
