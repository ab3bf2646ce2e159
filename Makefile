# The two commands of README.md. Both install what they need on a fresh Debian machine that has only
# the Swift toolchain, so CI (.ci/run) and a newcomer run exactly the same thing.

BUILD_PACKAGES := libcurl4-openssl-dev libyaml-dev libmaxminddb-dev libsqlite3-dev pkg-config
# dig, BIND and Knot (real secondaries) and unbound (a resolver in front) for integration tests,
# valgrind for allocation counts, python3 for peers,
# iproute2 for the fleet test's network namespaces, curl and openssl for its pages and certificates,
# systemd for systemd-analyze (the example unit is verified), chromium (headless) for the status page.
TEST_PACKAGES := $(BUILD_PACKAGES) bind9-dnsutils bind9 knot unbound valgrind python3 iproute2 curl openssl systemd chromium ldnsutils knot-dnssecutils dnsviz
FUZZ_SECONDS ?= 60

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: run test build fuzz bench install

# The controller on the example manifests with the embedded defaults (DNS on 127.0.0.1:5353, try:
# dig @127.0.0.1 -p 5353 www.example.com; the admin API on 127.0.0.1:8053; state in .switchyard/),
# with the examples' endpoints and notifier receivers served on this machine (switchyard demo).
run:
	@scripts/ensure-apt-packages.sh $(BUILD_PACKAGES) openssl
	swift build -c release --product switchyard
	.build/release/switchyard validate manifests
	.build/release/switchyard demo --manifests manifests

# Unit and CLI tests, the manifests against their JSON Schemas and `switchyard validate`, then fuzz runs
# of the wire parser and of whole queries that must find nothing. The test runner goes last so its summary closes the output.
test:
	@scripts/ensure-apt-packages.sh $(TEST_PACKAGES)
	swift build --build-tests
	scripts/ensure-python-tools.sh check-jsonschema mmdb-writer netaddr aiosmtpd octodns octodns-bind schemathesis
	scripts/check-manifests.sh
	scripts/check-systemd-unit.sh
	scripts/check-install.sh
	scripts/check-admin-api.sh
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
	Benchmarks/dns-qps.sh
	Benchmarks/monitor-scale.sh
	Benchmarks/failover-latency.sh
	Benchmarks/plan-scale.sh
	Benchmarks/notify-latency.sh
	Benchmarks/store-durability.sh
	Benchmarks/secondary-follow.sh
	Benchmarks/fleet-failover.sh
	Benchmarks/answer-instructions.sh

# The release binary into $(DESTDIR)$(PREFIX)/bin, and its shell completions (bash, zsh, fish) where
# Debian's shells look for them.
install:
	@scripts/ensure-apt-packages.sh $(BUILD_PACKAGES)
	swift build -c release --product switchyard
	install -D -m 0755 .build/release/switchyard $(DESTDIR)$(PREFIX)/bin/switchyard
	install -d $(DESTDIR)/usr/share/bash-completion/completions $(DESTDIR)/usr/share/zsh/vendor-completions \
		$(DESTDIR)/usr/share/fish/vendor_completions.d
	.build/release/switchyard --generate-completion-script bash > $(DESTDIR)/usr/share/bash-completion/completions/switchyard
	.build/release/switchyard --generate-completion-script zsh > $(DESTDIR)/usr/share/zsh/vendor-completions/_switchyard
	.build/release/switchyard --generate-completion-script fish > $(DESTDIR)/usr/share/fish/vendor_completions.d/switchyard.fish
