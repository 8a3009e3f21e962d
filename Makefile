# The README's two commands: `make demo` (the main job) and `make test`.
.PHONY: demo test build setup

setup:
	@scripts/setup.sh

build: setup
	swift build -c release --product ipt

demo: build
	.build/release/ipt demo

test: setup
	swift test
