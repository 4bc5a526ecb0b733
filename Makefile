# va — a keyboard-driven virtual assistant for the terminal.
# Plain make: respects CC, CFLAGS, LDFLAGS, PREFIX, DESTDIR.  `make help` lists targets.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/va
MANDIR     ?= $(PREFIX)/share/man
CC         ?= cc
PKG_CONFIG ?= pkg-config

PKGS := ncursesw libcurl sqlite3 libcjson libsecret-1 libsodium

BUILD := build
ifeq ($(SAN),1)
BUILD    := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      := -O1
else
OPT      := -O2
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) libetpan 2>/dev/null)
# libcurl and libsecret are opened with dlopen on first use (src/net/curl_dl.c,
# src/secret/keyring.c), not linked: their ~45 dependent libraries would cost
# every start of va.  Their sonames come from the development links.
DL_PKGS    := libcurl libsecret-1
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(filter-out $(DL_PKGS),$(PKGS)) libetpan 2>/dev/null) -lcsv -lm -ldl
soname      = $(shell objdump -p $(shell $(PKG_CONFIG) --variable=libdir $(1) 2>/dev/null)/$(2) 2>/dev/null | awk '/SONAME/ {print $$2}')
CURL_SONAME   := $(call soname,libcurl,libcurl.so)
SECRET_SONAME := $(call soname,libsecret-1,libsecret-1.so)
DL_DEFS    := $(if $(CURL_SONAME),-DVA_CURL_SONAME='"$(CURL_SONAME)"') \
              $(if $(SECRET_SONAME),-DVA_SECRET_SONAME='"$(SECRET_SONAME)"')
ifeq ($(findstring clang,$(CC)),clang)
PKG_LIBS   := $(filter-out -specs=%,$(PKG_LIBS))
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= $(OPT) -g
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude $(PKG_CFLAGS) \
              -DVA_VERSION='"$(VERSION)"' -DVA_DATADIR='"$(DATADIR)"' $(DL_DEFS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -pthread

SRC      := $(sort $(wildcard src/*/*.c))
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
LIBOBJ   := $(filter-out $(BUILD)/src/main.o,$(OBJ))
MAIN_OBJ := $(BUILD)/src/main.o

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%)

VA := ./va
ifeq ($(SAN),1)
VA := $(BUILD)/va
endif

.PHONY: all run check test-bins lint format install uninstall deps deps-test clean bench help fuzz

all: $(VA)

$(VA): $(MAIN_OBJ) $(BUILD)/libva.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) -o $@ $(MAIN_OBJ) $(BUILD)/libva.a $(ALL_LDFLAGS) $(PKG_LIBS)

$(BUILD)/libva.a: $(LIBOBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

ifneq ($(V),1)
Q := @
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libva.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libva.a $(ALL_LDFLAGS) $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

$(BUILD)/tests/%: tests/tools/%.c $(BUILD)/libva.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TOOL    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libva.a $(ALL_LDFLAGS) $(PKG_LIBS)

test-bins: $(VA) $(UNIT_BIN) $(TOOL_BIN)

# `make run`: install what is missing, build, start va on the demo mailbox.
run: deps
	@$(MAKE) --no-print-directory all
	$(VA)

# `make check`: install test dependencies, build, run every test (one closing line: N passed, N failed).
check: deps-test
	@$(MAKE) --no-print-directory test-bins
	VA=$(VA) BUILD=$(BUILD) SAN=$(SAN) tests/run.sh

deps:
	@tests/deps.sh runtime
deps-test:
	@tests/deps.sh test

lint:
	tests/lint.sh

format:
	clang-format -i $(SRC) $(wildcard include/va/*.h) $(UNIT_SRC)

# Benchmarks (not tests): `make bench BENCH="import sync classify sched analyze tui rules soak"`.
BENCH ?= import
bench: all
	@tests/deps.sh bench
	@for b in $(BENCH); do echo "== tests/bench/$$b.sh"; tests/bench/$$b.sh || exit 1; done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 va $(DESTDIR)$(BINDIR)/va
	install -m 0644 share/man/va.1 $(DESTDIR)$(MANDIR)/man1/va.1
	cp -R share/. $(DESTDIR)$(DATADIR)/
	rm -rf $(DESTDIR)$(DATADIR)/man
	install -d $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR)/keymaps
	cp -R themes/. $(DESTDIR)$(DATADIR)/themes/
	cp -R keymaps/. $(DESTDIR)$(DATADIR)/keymaps/
	install -m 0644 va.conf.example $(DESTDIR)$(DATADIR)/va.conf.example

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/va $(DESTDIR)$(MANDIR)/man1/va.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san va

help:
	@echo "make          build ./va"
	@echo "make run      install runtime packages, build, start va on the demo mailbox"
	@echo "make check    install test packages, build, run the whole suite (SAN=1: ASan+UBSan)"
	@echo "make lint     clang-format check, cppcheck, banned functions, layer check"
	@echo "make bench    benchmarks, not part of the test run (BENCH=\"import sync classify sched analyze tui\")"
	@echo "make install  PREFIX=$(PREFIX) DESTDIR="

# ---- fuzzing (tests/fuzz/; tests/fuzz/run.sh drives `make fuzz`) ----
# Every tests/fuzz/fuzz_*.c is a libFuzzer harness.  Built with $(CC) and
# tests/fuzz/driver.c (a main that replays files) they run the regression
# inputs in `make check` (tests/integration/test_fuzz_regress.sh).  With
# FUZZ=1 (run.sh sets it, with CC=clang and BUILD=build-fuzz) they link
# libFuzzer instead.  A harness that does not build is reported and skipped;
# the regression test then fails for it.
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%)
FUZZ_SECONDS ?= 20
FUZZ_JOBS    ?= 2
ifeq ($(FUZZ),1)
FUZZ_MAIN    := -fsanitize=fuzzer
else
FUZZ_MAIN    := $(BUILD)/tests/fuzz/driver.o
endif

.PHONY: fuzz-bins fuzz-regress

fuzz-bins: $(FUZZ_BIN)
.SECONDARY: $(BUILD)/tests/fuzz/driver.o

$(BUILD)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libva.a $(filter %.o,$(FUZZ_MAIN))
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(FUZZ_MAIN) $(BUILD)/libva.a $(ALL_LDFLAGS) $(PKG_LIBS) || \
	    { echo "fuzz: $< does not build: skipped" >&2; rm -f $@; }

test-bins: fuzz-bins

# Replay tests/fuzz/regress/ and tests/fixtures through the harnesses (no clang).
fuzz-regress: fuzz-bins
	BUILD=$(BUILD) tests/integration/test_fuzz_regress.sh

# `make fuzz FUZZ_SECONDS=N`: clang + libFuzzer + ASan/UBSan in build-fuzz/,
# each harness N seconds on its corpus (FUZZ_JOBS at a time; FUZZ_TARGETS to
# pick some); fails when a new crash, leak or hang was found.
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh $(FUZZ_TARGETS)

.PHONY: clean-fuzz
clean: clean-fuzz
clean-fuzz:
	rm -rf build-fuzz

-include $(FUZZ_BIN:=.d)

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d) $(TOOL_BIN:=.d)
