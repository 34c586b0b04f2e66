# mr-tools: MapReduce as a Unix pipeline.
#
# Every cmd/mr-X.c becomes bin/mr-X, linked with lib/libmr.a.  Objects of
# other builds (asan, static) go under build/ so they never mix.

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
CMD_SRC := $(wildcard cmd/mr-*.c)
PROGS := $(CMD_SRC:cmd/%.c=$(BIN)/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
MANS := $(wildcard man/*.1)
USER_SCRIPTS := $(filter-out %.c %.sh scripts/bench scripts/gen-%, $(wildcard scripts/mr-*))
DEV_TOOLS := $(BUILD)/tools/gendata $(BUILD)/tools/benchtime $(BUILD)/tools/tailbench \
    $(BUILD)/tools/tailmodel

.SECONDARY:
.PHONY: all test unit bats asan static lint bench install uninstall clean demo tools

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

$(BIN)/%: $(BUILD)/cmd/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -Itests/unit -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tools/%: scripts/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDLIBS)

# The test command of the README: the C unit tests of lib/, then every bats
# file, in TAP form (.ci/run counts the "ok" and "not ok" lines).
test: all $(UNITS)
	@command -v bats >/dev/null 2>&1 || { \
		echo "make test needs bats-core: apt-get install bats" >&2; exit 1; }
	@status=0; \
	for t in $(UNITS); do $$t || status=1; done; \
	MR_BIN=$(abspath $(BIN)) MR_TOOLS=$(abspath $(BUILD)/tools) \
	    bats --tap $(BATS) || status=1; \
	exit $$status

# The whole suite again, built with AddressSanitizer and UBSan.
asan:
	$(MAKE) O=$(if $(O),$(O)-asan,build/asan) LINK= EXTRA_CFLAGS="-O1 $(ASAN_FLAGS)" \
	    EXTRA_LDFLAGS="$(ASAN_FLAGS)" test

# Statically linked programs for shipping to cluster nodes, whatever LINK
# the main build uses (scripts/mr-hadoop looks here first).
static:
	$(MAKE) O=build/static LINK=-static all

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
