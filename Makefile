# The two commands a newcomer needs are `make run` and `make test`; both set
# up the machine first (scripts/setup.sh is quiet when nothing is missing).

GO      ?= go
BIN     := bin/wallscan
DATA    ?= ./data
ADDR    ?= localhost:8080

.PHONY: run test setup build bench vet fmt clean

run: setup build
	$(BIN) serve --addr $(ADDR) --data $(DATA)

test: setup
	$(GO) vet ./...
	$(GO) test -timeout 60m ./...

setup:
	@sh scripts/setup.sh

build:
	$(GO) build -o $(BIN) ./cmd/wallscan

bench: setup build
	$(BIN) bench --n 10 --level standard --seed 1
	$(BIN) bench --n 10 --level hard --seed 2

fmt:
	gofmt -w .

clean:
	rm -rf bin
