# socklab: make builds bin/, make test runs every test, make bench the benchmarks.
# make SANITIZE=address,undefined builds with sanitizers (objects kept apart).

CC       ?= cc
PKGS     := libpcap ncursesw cmocka jansson zlib liburing
PREFIX   ?= /usr/local
comma    := ,

ifeq ($(SANITIZE),)
VARIANT  := release
SANFLAGS :=
OPT      := -O2
else
VARIANT  := san-$(subst $(comma),-,$(SANITIZE))
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT      := -O1 -g
endif

B        := build/$(VARIANT)
CPPFLAGS += -D_GNU_SOURCE -MMD -MP
CFLAGS   += -std=c11 -Wall -Wextra -Werror -g $(OPT) $(SANFLAGS) \
            $(PKG_CFLAGS)
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread
# pkg-config runs when first needed, not when the Makefile is read, so
# `make deps test` works on a machine where deps is about to install them.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS) 2>/dev/null))$(PKG_LIBS)

# One library per folder, layered (docs/architecture.md). Each folder sees
# only its own headers and those of the layers below it: a wrong include
# fails the build (tests/it/it_layers.sh shows it).
#   common/  <-  tracer/core/  <-  tracer/  <-  ui/  <-  ui/lesson/
#   common/  <-  lab/
#   common/  <-  run/       (socklab run: ui/main.c alone calls it)
#   common/  <-  wire/      (two hosts and the wire between them: ui/ uses it)
INC_common      := -Icommon
INC_tracer_core := $(INC_common) -Itracer/core
INC_tracer      := $(INC_tracer_core) -Itracer
INC_lab         := $(INC_common) -Ilab
INC_run         := $(INC_common) -Irun
INC_wire        := $(INC_common) -Iwire
INC_ui          := $(INC_tracer) -Iwire -Iui
INC_lesson      := $(INC_ui) -Iui/lesson
INC_tests       := $(INC_lesson) -Ilab -Irun -Itests/lib

# A folder's main.c / *_main.c / echo_*.c holds a program's main(); the rest
# of the folder is its library, so tests link the modules without the mains.
TRACER_MAIN := tracer/trace_main.c
LAB_MAINS   := lab/echo_server.c lab/echo_client.c
UI_MAIN     := ui/main.c
COMMON_SRCS := $(wildcard common/*.c)
CORE_SRCS   := $(wildcard tracer/core/*.c)
TRACER_SRCS := $(filter-out $(TRACER_MAIN),$(wildcard tracer/*.c))
LAB_SRCS    := $(filter-out $(LAB_MAINS),$(wildcard lab/*.c))
UI_SRCS     := $(filter-out $(UI_MAIN),$(wildcard ui/*.c))
LESSON_SRCS := $(wildcard ui/lesson/*.c)
RUN_SRCS    := $(wildcard run/*.c)
WIRE_SRCS   := $(wildcard wire/*.c)
TEST_SRCS   := $(wildcard tests/unit/test_*.c)
TOOL_SRCS   := $(wildcard tests/tools/*.c)
TESTLIB_SRCS := $(wildcard tests/lib/*.c)

obj = $(patsubst %.c,$(B)/%.o,$(1))

LIBCOMMON := $(B)/libcommon.a
LIBCORE   := $(B)/libtracecore.a
LIBTRACER := $(B)/libtracer.a
LIBLAB    := $(B)/liblab.a
LIBUI     := $(B)/libui.a
LIBLESSON := $(B)/liblesson.a
LIBRUN    := $(B)/librun.a
LIBWIRE   := $(B)/libwire.a
LIBTEST   := $(B)/libtestlib.a
UI_LIBS   := $(LIBLESSON) $(LIBUI) $(LIBWIRE) $(LIBTRACER) $(LIBCORE) $(LIBCOMMON)
ALL_LIBS  := $(LIBLESSON) $(LIBUI) $(LIBWIRE) $(LIBTRACER) $(LIBCORE) $(LIBLAB) $(LIBRUN) $(LIBCOMMON)

PROGRAMS := bin/socklab-trace bin/echo-server bin/echo-client bin/socklab
TEST_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(TEST_SRCS))
TOOLS    := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRCS))

.PHONY: demo all test bench deps setcap install clean fuzz lint cross-aarch64
all: $(PROGRAMS) $(TOOLS)

# The main demo: the lab shows a real handshake, echo and close. Capturing
# needs root: a normal user is asked for sudo (root is dropped once open).
demo: all
	@if [ "$$(id -u)" = 0 ]; then bin/socklab demo; else sudo bin/socklab demo; fi

# bin/ holds whichever variant was built last; build/variant changes (and
# so relinks every program) only when the variant does.
$(shell mkdir -p build; [ "$$(cat build/variant 2>/dev/null)" = "$(VARIANT)" ] || echo $(VARIANT) > build/variant)

# The include list of the folder a source file is in (ui/main.c, the
# program, sees the lessons and run/: its subcommand table runs them).
inc_of = $(strip $(if $(filter tests/%,$(1)),$(INC_tests),\
	$(if $(filter ui/main.c,$(1)),$(INC_lesson) -Irun,\
	$(if $(filter run/%,$(1)),$(INC_run),\
	$(if $(filter wire/%,$(1)),$(INC_wire),\
	$(if $(filter ui/lesson/%,$(1)),$(INC_lesson),\
	$(if $(filter ui/%,$(1)),$(INC_ui),\
	$(if $(filter lab/%,$(1)),$(INC_lab),\
	$(if $(filter tracer/core/%,$(1)),$(INC_tracer_core),\
	$(if $(filter tracer/%,$(1)),$(INC_tracer),\
	$(if $(filter common/%,$(1)),$(INC_common),$(error no layer for $(1)))))))))))))

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(call inc_of,$<) $(CFLAGS) -c $< -o $@

$(LIBCOMMON): $(call obj,$(COMMON_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBCORE): $(call obj,$(CORE_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBTRACER): $(call obj,$(TRACER_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBLAB): $(call obj,$(LAB_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBUI): $(call obj,$(UI_SRCS))
	@rm -f $@; ar rcs $@ $^
# The page export --format html writes carries its script and style
# (ui/web/) in the binary: xxd turns them into C arrays at build time.
WEB_ASSETS := ui/web/player.js ui/web/player.css
$(B)/gen/web_assets.c: $(WEB_ASSETS)
	@mkdir -p $(dir $@)
	{ for f in $(WEB_ASSETS); do xxd -i $$f; done; } | sed 's/^unsigned/const unsigned/' >$@.tmp && mv $@.tmp $@
$(B)/gen/web_assets.o: $(B)/gen/web_assets.c
	$(CC) $(CFLAGS) -c $< -o $@
$(LIBUI): $(B)/gen/web_assets.o
$(LIBLESSON): $(call obj,$(LESSON_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBRUN): $(call obj,$(RUN_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBWIRE): $(call obj,$(WIRE_SRCS))
	@rm -f $@; ar rcs $@ $^
$(LIBTEST): $(call obj,$(TESTLIB_SRCS))
	@rm -f $@; ar rcs $@ $^

bin/socklab-trace: $(call obj,$(TRACER_MAIN)) $(LIBTRACER) $(LIBCORE) $(LIBCOMMON) build/variant
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS)
bin/echo-server: $(B)/lab/echo_server.o $(LIBLAB) $(LIBCOMMON) build/variant
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS)
bin/echo-client: $(B)/lab/echo_client.o $(LIBLAB) $(LIBCOMMON) build/variant
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS)
bin/socklab: $(call obj,$(UI_MAIN)) $(LIBRUN) $(UI_LIBS) build/variant
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(LIBTEST) $(ALL_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(B)/tools/%: $(B)/tests/tools/%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# make test: every cmocka unit test, then the integration tests that run the
# real binaries. tests/run.sh prints "N passed, N failed, N skipped".
test: all $(TEST_BINS)
	@BUILD=$(B) tests/run.sh

bench: all
	@BUILD=$(B) tests/bench/run.sh

# make fuzz: each libFuzzer target in tests/fuzz/ (clang, ASan+UBSan) runs
# FUZZ_SECONDS, seeded from tests/fuzz/corpus/; CI runs FUZZ_SECONDS=10.
# The tracer and UI modules are compiled again here with coverage hooks.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -Wall -Wextra -Werror -g -O1 $(FUZZ_SAN) $(PKG_CFLAGS)
FUZZ_LIB     := $(FUZZ_DIR)/libfuzzed.a
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(call inc_of,$<) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(FUZZ_LIB): $(patsubst %.c,$(FUZZ_DIR)/%.o,$(COMMON_SRCS) $(CORE_SRCS) $(TRACER_SRCS) $(LAB_SRCS) $(WIRE_SRCS) $(UI_SRCS) $(LESSON_SRCS))
	@rm -f $@; ar rcs $@ $^
$(FUZZ_DIR)/gen/web_assets.o: $(B)/gen/web_assets.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(FUZZ_LIB): $(FUZZ_DIR)/gen/web_assets.o
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
.SECONDARY: $(FUZZ_TARGETS:$(FUZZ_DIR)/%=$(FUZZ_DIR)/tests/fuzz/%.o)
fuzz: $(FUZZ_TARGETS)
	@tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

# Debian packages the build, tests and benchmarks use; installs only what is missing.
DEB_PKGS := build-essential pkg-config libpcap-dev libncurses-dev libcmocka-dev libjansson-dev zlib1g-dev liburing-dev \
            tcpdump tshark nftables tmux golang-go libcap2-bin iproute2 time groff-base python3 \
            clang libclang-rt-14-dev shellcheck strace curl \
            xxd chromium fonts-noto-cjk gcc-aarch64-linux-gnu libc6-dev-arm64-cross
deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || { echo "make deps: apt-get install$$missing failed" >&2; exit 1; }; \
	else echo "deps: all installed"; fi

# make lint: shellcheck on every shell script: each *.sh and each file whose
# first line runs sh or bash (.ci/run), found rather than listed; -x with
# SCRIPTDIR follows what a script sources (tests/lib/*.sh).
# run/ has a system call table per architecture (docs/run.md): aarch64's is
# checked by compiling run/ and the common/ it uses with Debian's cross
# compiler (CI runs it; running them needs an arm64 machine).
CROSS_AARCH64 ?= aarch64-linux-gnu-gcc
cross-aarch64:
	@for f in $(RUN_SRCS) $(COMMON_SRCS); do \
	  $(CROSS_AARCH64) -std=c11 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE $(INC_run) -c $$f -o /dev/null || exit 1; \
	done; echo "cross-aarch64: run/ and common/ build for aarch64"

lint:
	@find . \( -name .git -o -name build -o -name bin \) -prune -o -type f -print | sort | \
	while IFS= read -r f; do \
	  case $$f in *.sh) echo "$$f" ;; *) head -n1 "$$f" | grep -qE '^#!.*[/ ](ba)?sh( |$$)' && echo "$$f" ;; esac; \
	done | xargs shellcheck -x -P SCRIPTDIR && echo "lint: shellcheck clean"

# make print-VAR: a variable's value (tests/it/it_layers.sh reads INC_lab).
print-%:
	@echo '$($*)'

# Lets non-root users capture: the capturing binaries get CAP_NET_RAW and CAP_NET_ADMIN.
setcap: all
	setcap cap_net_raw,cap_net_admin=eip bin/socklab-trace
	setcap cap_net_raw,cap_net_admin=eip bin/socklab

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard docs/man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/socklab/lessons/en $(DESTDIR)$(PREFIX)/share/socklab/lessons/zh
	install -m 644 lessons/en/*.lesson $(DESTDIR)$(PREFIX)/share/socklab/lessons/en/
	install -m 644 lessons/zh/*.lesson $(DESTDIR)$(PREFIX)/share/socklab/lessons/zh/

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
