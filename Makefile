# The two commands of README.md. Both install what they need on a fresh Debian machine that has only
# the Swift toolchain, so CI (.ci/run) and a newcomer run exactly the same thing.

BUILD_PACKAGES := libcurl4-openssl-dev libyaml-dev libmaxminddb-dev libsqlite3-dev pkg-config
# dig for integration tests, valgrind for the benchmark's allocation counts.
TEST_PACKAGES := $(BUILD_PACKAGES) bind9-dnsutils valgrind
FUZZ_SECONDS ?= 60

.PHONY: run test build fuzz bench

# The controller does not exist yet (issues 4-7); until it does, `make run` runs the most useful part
# that does: the DNS wire codec, measured on the messages a server handles most.
run:
	@scripts/ensure-apt-packages.sh $(TEST_PACKAGES)
	@echo "switchyard: the controller is not built yet; running the DNS wire codec benchmark instead."
	@Benchmarks/codec-bench.sh

# Unit tests, then a fuzz run of the wire parser that must find nothing. The fuzz run goes first so the
# test runner's summary is the last thing printed.
test:
	@scripts/ensure-apt-packages.sh $(TEST_PACKAGES)
	swift build --build-tests
	Benchmarks/fuzz.sh $(FUZZ_SECONDS)
	swift test

build:
	@scripts/ensure-apt-packages.sh $(BUILD_PACKAGES)
	swift build

fuzz:
	Benchmarks/fuzz.sh $(FUZZ_SECONDS)

bench:
	Benchmarks/codec-bench.sh
