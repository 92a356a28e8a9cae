# sijill — the two commands: `make run` and `make test`.
# Both install what is missing (Debian packages, npm packages) before building.

BUILD      ?= build
TESTBUILD  ?= build-test
DB         ?= var/sijill.db
LISTEN     ?= 127.0.0.1:8080

.PHONY: all deps build run test test-build fuzz bench deb clean

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized -Dtests=false

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@mkdir -p $(dir $(DB))
	./$(BUILD)/sijill init --db $(DB) --demo
	@sh scripts/banner.sh $(LISTEN)
	./$(BUILD)/sijill serve --db $(DB) --listen $(LISTEN)

$(TESTBUILD)/build.ninja:
	meson setup $(TESTBUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dtests=true

test-build: deps $(TESTBUILD)/build.ninja
	ninja -C $(TESTBUILD)

# `build` too: the optimised build `make run` uses sees warnings (-Wformat-truncation)
# the -O0 test build does not, and warnings are errors.
test: build test-build
	sh tests/run.sh $(TESTBUILD)

fuzz: deps
	sh tests/fuzz/run.sh

bench: build
	sh bench/run.sh

# The Debian package (scripts/deb.sh: meson release build, staged tree,
# dpkg-shlibdeps, dpkg-deb); tests/deb/chroot-test.sh installs it in a chroot.
deb: deps
	sh scripts/deb.sh $(CURDIR)

clean:
	rm -rf $(BUILD) $(TESTBUILD) build-fuzz build-deb
