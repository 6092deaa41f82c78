# The two commands a newcomer needs are `make run` and `make test`; both set
# up the machine first (scripts/setup.sh is quiet when nothing is missing).

GO      ?= go
BIN     := bin/wallscan
DATA    ?= ./data
ADDR    ?= localhost:8080

.PHONY: run test setup build bench soak vet fmt clean

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

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above need formatting (make fmt)"; exit 1; }

fmt:
	gofmt -w .

clean:
	rm -rf bin

# The long reliability runs (docs/RELIABILITY.md): the load test on loopback
# with 12 MP photos, then each fuzz target for FUZZTIME.
FUZZTIME ?= 3m
soak: setup build
	$(BIN) load --kiosks 20 --photos 2 --interval 60s --dashboards 30 --facilitators 5 --width 4000 --height 3000 --notes 15
	$(GO) test -run='^$$' -fuzz=FuzzCheckPhoto -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s .
	$(GO) test -run='^$$' -fuzz=FuzzSegment -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./capture
	$(GO) test -run='^$$' -fuzz=FuzzJSONAPI -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./dashboard
	$(GO) test -run='^$$' -fuzz=FuzzGroup -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./cluster
	$(GO) test -run='^$$' -fuzz=FuzzClusterInput -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./cmd/wallscan
