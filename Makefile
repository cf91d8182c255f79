# cnnlab: `make run` sets up what is missing, builds in release and opens cnnlab;
# `make test` does the same set-up, then runs the test suite.
SHELL := /bin/bash
SWIFT ?= swift
ARGS ?=

.PHONY: run test build setup bench clean

run: setup
	$(SWIFT) build -c release --product cnnlab
	./.build/release/cnnlab $(ARGS)

test: setup
	$(SWIFT) test

build: setup
	$(SWIFT) build -c release --product cnnlab

# Installs the system libraries (and the optional Fashion-MNIST dataset) with apt-get
# when it can; otherwise prints the exact command to run.
setup:
	@bash scripts/setup.sh

bench: build
	./.build/release/cnnlab bench --model all

clean:
	rm -rf .build
