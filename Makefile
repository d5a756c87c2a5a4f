# pxr: GNU make.  `make test` installs what is missing (deps), builds and
# runs every test; `make check` does the same with ASan+UBSan.

SHELL = /bin/bash
.SUFFIXES:
# Keep the objects: the programs and the unit tests are built from them.
.SECONDARY:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

# Debian 12's pkg-config names.
PKGS = libjpeg libarchive libpng
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings -Wcast-qual \
       $(if $(filter 1,$(WERROR)),-Werror)
PXR_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 \
             $(WARN) -Ilib $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread

# Everything built goes under $(B)/.
B ?= build

LIB_SRC = $(sort $(wildcard lib/*.c))
LIB_OBJ = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
CMD_SRC = $(sort $(wildcard cmd/pxr-*.c))
PROGS = $(CMD_SRC:cmd/%.c=$(B)/%)
# The programs' front end (cmd/fe/fe.h): only the programs link it.
FE_SRC = $(sort $(wildcard cmd/fe/*.c))
FE_OBJ = $(FE_SRC:cmd/fe/%.c=$(B)/fe/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNITS = $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
SCRIPTS = $(sort $(wildcard pipelines/*))
MAN1 = $(sort $(wildcard man/*.1))
MAN5 = $(sort $(wildcard man/*.5))

# Debian packages, in three sets; each command installs only its own.
# To build and run (`make deps`, which `make dataset` calls): the compiler,
# the libraries, GNU parallel, and what the built-in sample is made with
# (Pillow, numpy, scikit-image's photographs).
DEPS_BUILD = gcc make pkg-config libjpeg62-turbo-dev libarchive-dev libpng-dev \
             parallel python3-numpy python3-pil python3-skimage
# To test (`make test`): bats and its helpers, the references (Pillow,
# torchvision, djpeg/cjpeg), mandoc for the man pages, an sshd and a
# one-node Slurm (munge, slurmctld, slurmd) that the tests start themselves
# (installing the packages on a machine with systemd also starts, or tries
# to start, the system's services; no test needs those).
DEPS_TEST = $(DEPS_BUILD) bats bats-assert bats-support bats-file \
            libjpeg-turbo-progs python3-torchvision mandoc zstd strace \
            openssh-server openssh-client e2fsprogs util-linux util-linux-extra \
            munge slurmctld slurmd slurm-client
# To lint and fuzz (`make lint`, `make fuzz`).
DEPS_LINT = $(DEPS_BUILD) cppcheck clang-tidy clang clang-format shellcheck \
            libclang-rt-dev

SAN = -fsanitize=address,undefined -fno-sanitize-recover=all

all: $(PROGS) $(B)/scripts.stamp

$(B)/lib $(B)/unit $(B)/cmd $(B)/fe:
	mkdir -p $@

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h) | $(B)/lib
	$(CC) $(PXR_CFLAGS) $(CFLAGS) -c -o $@ $<

# The resampling loops vectorise with the dynamic cost model (gcc 12's -O2
# default leaves the vertical pass scalar): 0.80 -> 0.70 s user for 500
# corpus images, same bytes.  An explicit -f flag holds whatever -O level
# CFLAGS gives.
$(B)/lib/resize.o: PXR_CFLAGS += $(if $(findstring clang,$(CC)),,-fvect-cost-model=dynamic)

# The notebook's arithmetic (decode_ijg.c: libjpeg 9b's float IDCT;
# notebook.c: Julia's resampling) rounds after every float operation, as
# the references did: no contraction into FMA and no fast-math, whatever
# CFLAGS asks for (override: a CFLAGS given on the command line too).
# Their loops vectorise with the dynamic cost model, as resize.c's (lanes
# are independent samples: no value changes).
EXACT_FP = -ffp-contract=off -fno-fast-math
$(B)/lib/decode_ijg.o $(B)/lib/notebook.o $(B)/lib/nbkern.o \
    $(B)/lib/nbkern_avx2.o $(B)/lib/nbkern_avx512.o: override CFLAGS += $(EXACT_FP) \
    $(if $(findstring clang,$(CC)),,-fvect-cost-model=dynamic)

# The AVX2 and AVX-512 code is compiled for those on x86-64, and only it:
# resize.c, pack.c and crc32c.c call it when the CPU has it (PXR_SIMD=N
# caps the level, pxr.h).  These files must hold nothing that runs before
# that check: the compiler uses the wider instructions for any code in
# them, even a memset (SIGILL elsewhere).
ifeq ($(shell uname -m),x86_64)
$(B)/lib/resize_avx2.o $(B)/lib/pack_avx2.o $(B)/lib/nbkern_avx2.o: \
    PXR_CFLAGS += -mavx2
$(B)/lib/resize_avx512.o: PXR_CFLAGS += -mavx512f -mavx512bw -mavx512vl
$(B)/lib/nbkern_avx512.o: PXR_CFLAGS += -mavx512f -mavx512bw -mavx512vl \
    -mprefer-vector-width=512
$(B)/lib/resize_vbmi.o $(B)/lib/pack_vbmi.o: PXR_CFLAGS += -mavx512f \
    -mavx512bw -mavx512vl -mavx512vbmi
$(B)/lib/crc32c_fold.o: PXR_CFLAGS += -mavx512f -mvpclmulqdq -mpclmul \
    -msse4.2
endif

$(B)/libpxr.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(B)/fe/%.o: cmd/fe/%.c cmd/fe/fe.h $(wildcard lib/*.h) | $(B)/fe
	$(CC) $(PXR_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libpxrfe.a: $(FE_OBJ)
	rm -f $@
	ar rcs $@ $(FE_OBJ)

$(B)/cmd/%.o: cmd/%.c cmd/fe/fe.h $(wildcard lib/*.h) | $(B)/cmd
	$(CC) $(PXR_CFLAGS) -Icmd/fe $(CFLAGS) -c -o $@ $<

$(B)/pxr-%: $(B)/cmd/pxr-%.o $(B)/libpxrfe.a $(B)/libpxr.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libpxrfe.a $(B)/libpxr.a \
	    $(LDLIBS)

$(B)/unit/%: tests/unit/%.c tests/unit/unit.h $(B)/libpxr.a | $(B)/unit
	$(CC) $(PXR_CFLAGS) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(B)/libpxr.a $(LDLIBS)

# The front end's own test links it too.
$(B)/unit/test_fe: tests/unit/test_fe.c tests/unit/unit.h cmd/fe/fe.h \
    $(B)/libpxrfe.a $(B)/libpxr.a | $(B)/unit
	$(CC) $(PXR_CFLAGS) $(CFLAGS) -Icmd/fe -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(B)/libpxrfe.a $(B)/libpxr.a $(LDLIBS)

# The pipeline scripts are installed without their directory prefix, as
# pxr-<name>; in the build directory they sit beside the programs.
$(B)/scripts.stamp: $(SCRIPTS) | $(B)/lib
	for s in $(SCRIPTS); do \
	    cp $$s $(B)/pxr-$$(basename $$s) && chmod 755 $(B)/pxr-$$(basename $$s); \
	done
	touch $@

# Each at the CPU's vector level, then capped at AVX-512 (2), AVX2 (1) and
# none (0), so that every path this CPU can run is checked (pxr.h,
# PXR_SIMD; a cap above the CPU's level changes nothing).
unit: $(UNITS)
	@for t in $(UNITS); do for s in "" 2 1 0; do \
	    echo "== $$t$${s:+ (PXR_SIMD=$$s)}"; PXR_SIMD=$$s $$t || exit 1; \
	done; done

bats: all
	PATH="$(CURDIR)/$(B):$$PATH" PXR_BUILD="$(CURDIR)/$(B)" \
	    tests/run-bats tests/*.bats

# deps-test runs first, in its own make, so that pkg-config sees what it
# installed.
test: deps-test
	$(MAKE) test-built

test-built: all lint-man unit bats

check:
	ASAN_OPTIONS=exitcode=86:detect_leaks=1 \
	UBSAN_OPTIONS=exitcode=87:print_stacktrace=1 \
	$(MAKE) B=build-san WERROR=1 CFLAGS="-O1 -g -fno-omit-frame-pointer $(SAN)" \
	    LDFLAGS="$(SAN)" test

# install_pkgs: apt-get install the packages of $(1) that are missing.
define install_pkgs
	@missing=""; for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	        grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "deps: installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then \
	        echo "deps: not root; run: sudo apt-get install$$missing" >&2; exit 2; \
	    fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_pkgs,$(DEPS_BUILD))

deps-test:
	$(call install_pkgs,$(DEPS_TEST))

deps-lint:
	$(call install_pkgs,$(DEPS_LINT))

lint-man:
	$(if $(MAN1)$(MAN5),mandoc -T lint -W warning $(MAN1) $(MAN5))

# Every C file of the project but bench's (bench/*.c build against the
# peers' headers and keep their own style); lib/font.c's table is kept as
# lib/mkfont.py writes it (clang-format off).
FORMAT_SRC = $(wildcard lib/*.[ch] cmd/*.c cmd/fe/*.[ch] tests/unit/*.[ch] \
    tests/test_helper/*.c fuzz/*.c)
# The shell that CI checks: the pipelines and every script the tests and
# the sample run.
SHELL_SRC = $(SCRIPTS) sample/dataset bench/integrity tests/run-bats $(wildcard tests/*.bash tests/test_helper/*.bash)

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

shellcheck:
	shellcheck -S warning $(SHELL_SRC)

# No cycle in the graph of which lib file calls (nm of the objects) or
# includes which, but the one tests/lint/graph.py allows, with its reason.
graph-check: $(LIB_OBJ)
	/usr/bin/python3 tests/lint/graph.py $(B)/lib lib

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	for s in $(SCRIPTS); do \
	    install -m 755 $$s $(DESTDIR)$(BINDIR)/pxr-$$(basename $$s); done
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5

# The whole job: pxr-imagenet on ILSVRC=/path (the download, tarballs or
# trees), or on a small built-in sample when ILSVRC is not given.  The
# sample's photographs come from python3-skimage.
ILSVRC ?=
OUT ?= out
dataset:
	$(MAKE) deps
	$(MAKE) all
	PATH="$(CURDIR)/$(B):$$PATH" sample/dataset "$(OUT)" $(ILSVRC)

# pxr against Pillow, OpenCV, torchvision, libvips and the libjpeg-turbo
# floors on the realistic corpus, one core each: prints the table and writes
# bench/RESULTS.md (bench/README.md; BENCH_QUICK=1 for a smoke test).  It
# installs what it needs (apt-get), then builds.
bench:
	B=$(B) bench/run

# The integrity figures: pxr-verify's GB/s and --verify's MD5 pass against
# md5sum, on one core (bench/integrity; BENCH_IMAGES, BENCH_RUNS).
bench-integrity:
	B=$(B) bench/integrity

# libFuzzer targets (clang): fuzz/fuzz_<parser>.c, one binary each in
# build-fuzz/; `make fuzz-run FUZZ_SECONDS=60` runs each from its seed corpus.
FUZZ_SRC = $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS = $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 60
# PXR_MEMBER_MAX: pxr-list's largest member (512 MiB) made 16 MiB, so that
# an input declaring a huge member does not slow every later run.
FUZZ_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
    -DPXR_MEMBER_MAX='(1u << 24)'


fuzz: deps-lint
	$(MAKE) B=build-fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" build-fuzz/libpxr.a
	$(MAKE) $(FUZZ_BINS)

build-fuzz/fuzz_%: fuzz/fuzz_%.c build-fuzz/libpxr.a
	clang $(PXR_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $< \
	    build-fuzz/libpxr.a $(LDLIBS)

fuzz-run: fuzz
	@for f in $(FUZZ_BINS); do \
	    n=$${f#build-fuzz/fuzz_}; mkdir -p build-fuzz/corpus-$$n; \
	    echo "== $$f ($(FUZZ_SECONDS) s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -max_len=1048576 -rss_limit_mb=2048 \
	        -print_final_stats=1 build-fuzz/corpus-$$n fuzz/corpus/$$n 2>&1 | \
	        grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' ; \
	    [ $${PIPESTATUS[0]} -eq 0 ] || exit 1; \
	done

# Static analysis over cmd/ and lib/.
lint: deps-lint
	$(MAKE) lint-built

lint-built: format-check shellcheck graph-check
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --inline-suppr --std=c11 -Ilib -Icmd/fe cmd lib
	clang-tidy --quiet $(LIB_SRC) $(FE_SRC) $(CMD_SRC) -- $(PXR_CFLAGS) -Icmd/fe

clean:
	rm -rf build build-san build-fuzz

.PHONY: all bench bench-integrity unit bats test test-built check dataset fuzz fuzz-run lint lint-built deps deps-test deps-lint lint-man format format-check shellcheck graph-check install clean
