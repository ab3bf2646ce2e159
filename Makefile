# The two commands of README.md. Both install what they need on a fresh Debian machine that has only
# the Swift toolchain, so CI (.ci/run) and a newcomer run exactly the same thing.

BUILD_PACKAGES := libcurl4-openssl-dev libyaml-dev libmaxminddb-dev libsqlite3-dev pkg-config
# dig for integration tests, valgrind for the benchmark's allocation counts, python3 for test peers.
TEST_PACKAGES := $(BUILD_PACKAGES) bind9-dnsutils valgrind python3
FUZZ_SECONDS ?= 60

.PHONY: run test build fuzz bench

# The controller does not exist yet (issues 4-7); until it does, `make run` runs the most useful part
# that does: `switchyard validate` on the example manifests.
run:
	@scripts/ensure-apt-packages.sh $(BUILD_PACKAGES)
	swift build --product switchyard
	@echo "switchyard: the controller is not built yet; validating the example manifests instead."
	.build/debug/switchyard validate manifests

# Unit and CLI tests, the manifests against their JSON Schemas and `switchyard validate`, then a fuzz run
# of the wire parser that must find nothing. The test runner goes last so its summary closes the output.
test:
	@scripts/ensure-apt-packages.sh $(TEST_PACKAGES)
	swift build --build-tests
	scripts/check-manifests.sh
	Benchmarks/fuzz.sh $(FUZZ_SECONDS)
	swift test

build:
	@scripts/ensure-apt-packages.sh $(BUILD_PACKAGES)
	swift build

fuzz:
	Benchmarks/fuzz.sh $(FUZZ_SECONDS)

bench:
	Benchmarks/codec-bench.sh
	Benchmarks/manifests-bench.sh
