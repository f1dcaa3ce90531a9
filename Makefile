# Tersa build. `make` builds everything that exists; `make run`, `make test`,
# `make bench`, `make fmt`. Packages come from scripts/deps.sh.
.DEFAULT_GOAL := all
SHELL := /bin/bash

PKGS := libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter libzip expat libcurl
CC ?= cc
NPROC := $(shell nproc 2>/dev/null || echo 2)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
PQ_INC := $(shell pg_config --includedir 2>/dev/null)
CFLAGS ?= -O2 -g
WARN := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wshadow -Wstrict-prototypes -Wformat=2
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) $(if $(PQ_INC),-I$(PQ_INC)) \
	-Isrc -include src/base/banned.h -MMD -MP
LIBS := $(PKG_LIBS) -lcsv -lpthread -lm
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

SRC := $(sort $(shell find src -name '*.c'))
LIB_SRC := $(filter-out src/cli/main.c,$(SRC))
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
GEN := build/gen/migrations.c build/gen/openapi.c
UNIT_SRC := $(sort $(shell find tests/unit -name 'test_*.c'))

OBJ := $(LIB_SRC:%.c=build/obj/%.o) $(GEN:build/gen/%.c=build/obj/gen/%.o)
AOBJ := $(LIB_SRC:%.c=build/asan/obj/%.o) $(GEN:build/gen/%.c=build/asan/obj/gen/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
# Small programs the API tests drive (tests/tools/*.c).
TOOL_BIN := $(patsubst tests/tools/%.c,build/tests/tools/%,$(wildcard tests/tools/*.c))
AUNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)

.PHONY: all deps run test unit api bench fmt clean asan web run-bins test-bins \
	bench-bins check-layers
all: build/tersa $(if $(wildcard web/package.json),web/dist/index.html)

deps:
	@scripts/deps.sh

build/gen/migrations.c: $(MIGRATIONS) scripts/embed.sh | build/gen
	@scripts/embed.sh migrations $@ $(MIGRATIONS)
build/gen/openapi.c: src/http/openapi.json scripts/embed.sh | build/gen
	@scripts/embed.sh openapi $@ src/http/openapi.json
build/gen:
	@mkdir -p $@

build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@
build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@
build/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(ASAN_FLAGS) $(PKG_CFLAGS) $(if $(PQ_INC),-I$(PQ_INC)) -Isrc -include src/base/banned.h -MMD -MP -c $< -o $@
build/asan/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(ASAN_FLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/libtersa.a: $(OBJ)
	@rm -f $@ && ar rcs $@ $^
build/asan/libtersa.a: $(AOBJ)
	@rm -f $@ && ar rcs $@ $^

build/tersa: build/obj/src/cli/main.o build/libtersa.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)
build/asan/tersa: build/asan/obj/src/cli/main.o build/asan/libtersa.a
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)
asan: build/asan/tersa

build/tests/%: tests/unit/%.c build/libtersa.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< build/libtersa.a $(LIBS) -lcmocka
build/tests/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -include src/base/banned.h -o $@ $<

build/asan/tests/%: tests/unit/%.c build/asan/libtersa.a
	@mkdir -p $(@D)
	$(CC) $(WARN) $(ASAN_FLAGS) $(PKG_CFLAGS) -Isrc -Itests/unit -include src/base/banned.h -MMD -MP -o $@ $< build/asan/libtersa.a $(LIBS) -lcmocka

# web/dist is rebuilt only when something in web/ (or the API document the
# client types come from) is newer than the last build.
WEB_SRC := $(shell find web -path web/node_modules -prune -o -path web/dist -prune \
	-o -path web/test-results -prune -o -path web/dev-dist -prune \
	-o -path web/src/api/schema.d.ts -prune -o -type f -print 2>/dev/null)
web/dist/index.html: $(WEB_SRC) src/http/openapi.json
	cd web && npm run --silent build
	@touch $@
web: web/dist/index.html

# deps.sh runs first, then a fresh make: on a new machine pkg-config and the
# libraries only exist once it has run, and the flags above are read at start.
# The *-bins targets' empty recipes keep an up-to-date build quiet.
run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory -j$(NPROC) run-bins
	@mkdir -p var
	@exec build/tersa serve --db var/tersa.db --listen 127.0.0.1:8080 --demo=full

# Every test: unit (plain and sanitizer builds) and API (SQLite, PostgreSQL,
# sanitizer build). Ends with the runners' summaries and one combined line.
test:
	@scripts/deps.sh
	@scripts/check-layers.sh
	@$(MAKE) --no-print-directory -j$(NPROC) test-bins
	@scripts/test.sh

# Includes point down the layers only; no SQL in src/http.
check-layers:
	@scripts/check-layers.sh

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

api: build/tersa
	@scripts/test.sh api

bench:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory -j$(NPROC) bench-bins
	@bench/run.sh
	@bench/sales.sh
	@bench/shift.sh
	@bench/customers.sh
	@bench/import.sh
	@bench/reports.sh
	@bench/pos.sh
	@bench/forecast/run.sh
	@bench/forecast/demo.sh
	@bench/itemsets/run.sh
	@bench/replenish/run.sh

run-bins: all
	@:
test-bins: build/tersa build/asan/tersa $(UNIT_BIN) $(AUNIT_BIN) $(TOOL_BIN) \
	$(if $(wildcard web/package.json),web/dist/index.html)
	@:
bench-bins: build/tersa
	@:

fmt:
	clang-format -i $(SRC) $(shell find src -name '*.h') $(UNIT_SRC)

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(AOBJ:.o=.d) $(UNIT_BIN:=.d) $(AUNIT_BIN:=.d)
