# skillmatch: one hand-written Makefile.
#
#   make              build build/skillmatch and build/libskillmatch.a
#   make test         install what is missing, build (plain and sanitized), run every test
#   make run          install what is missing, build, serve http://127.0.0.1:8080
#   make stop         stop what make run started (the server and its private PostgreSQL)
#   make bench        run the benchmarks, figures go to bench/out/
#   make bench-api    the JSON API benchmarks only (bench/out/api.md)
#   make deps         install the Debian 12 packages the project needs
#   make lint         format (clang-format 14), layers (tests/lint/layers.sh), cppcheck
#   make SANITIZE=address,undefined   build everything with sanitizers (in build-san/)
#   make fuzz         the libFuzzer targets with clang (in build-fuzz/), FUZZ_SECONDS each

CC       ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
SANITIZE ?=
ifeq ($(SANITIZE),)
B        ?= build
OPT      ?= -O2
else
B        ?= build-san
OPT      ?= -O1
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

PKGS     := libmicrohttpd jansson libpcre2-8 libpq libcrypto
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wwrite-strings -Wvla -Wformat=2 -Wundef -Wcast-qual \
            -Wold-style-definition -Wnull-dereference
CPPFLAGS += -I. -D_GNU_SOURCE
CFLAGS   += -std=c11 $(OPT) -g $(WARN) $(SANFLAGS) -pthread \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS  += $(SANFLAGS) -pthread
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lxxhash -lm

TAX_SRC  := $(wildcard taxonomy/base/*.c) $(wildcard taxonomy/*.c)
MATCH_SRC:= $(wildcard matcher/*.c)
SQL_SRC  := $(wildcard sql/*.c)
API_SRC  := $(wildcard api/*.c)
DATA     := $(sort $(wildcard taxonomy/data/*.tsv))
MIGRATIONS := $(sort $(wildcard sql/[0-9][0-9][0-9]_*.sql))
LIB_OBJ  := $(TAX_SRC:%.c=$(B)/%.o) $(MATCH_SRC:%.c=$(B)/%.o) $(SQL_SRC:%.c=$(B)/%.o) \
            $(B)/gen/builtin_data.o $(B)/gen/migrations.o
API_OBJ  := $(API_SRC:%.c=$(B)/%.o) $(B)/gen/openapi.o $(B)/gen/consent.o $(B)/gen/web.o
WEB      := $(sort $(wildcard api/web/*.html api/web/*.css api/web/*.js api/web/*.svg))
LIB      := $(B)/libskillmatch.a
BIN      := $(B)/skillmatch

TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
E2E_SRC  := $(wildcard tests/e2e/test_*.c)
E2E_BIN  := $(E2E_SRC:tests/e2e/%.c=$(B)/tests/%)
API_LIB_OBJ := $(filter-out $(B)/api/main.o,$(API_OBJ))
BENCH_SRC:= $(wildcard bench/*.c)
BENCH_BIN:= $(BENCH_SRC:bench/%.c=$(B)/bench/%)

.PHONY: all tests benches test run stop bench bench-api deps deps-run deps-test deps-bench deps-lint lint fuzz fuzz-build stress soak clean format
all: $(BIN) $(LIB)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The built-in taxonomy is compiled into the library, so the binary needs no data files.
$(B)/tools/embed: taxonomy/data/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror $< -o $@
$(B)/gen/builtin_data.c: $(B)/tools/embed $(DATA)
	@mkdir -p $(dir $@)
	$(B)/tools/embed $@ $(DATA)
$(B)/gen/builtin_data.o: $(B)/gen/builtin_data.c
	$(CC) $(CPPFLAGS) -std=c11 -O1 -c $< -o $@
# So are the schema migrations (sql/NNN_*.sql, applied in name order).
$(B)/gen/migrations.c: $(B)/tools/embed $(MIGRATIONS)
	@mkdir -p $(dir $@)
	$(B)/tools/embed -p sm__migration $@ $(MIGRATIONS)
$(B)/gen/migrations.o: $(B)/gen/migrations.c
	$(CC) $(CPPFLAGS) -std=c11 -O1 -c $< -o $@
# And the OpenAPI document the server answers with.
$(B)/gen/openapi.c: $(B)/tools/embed api/openapi.json
	@mkdir -p $(dir $@)
	$(B)/tools/embed -p sm__openapi $@ api/openapi.json
$(B)/gen/openapi.o: $(B)/gen/openapi.c
	$(CC) $(CPPFLAGS) -std=c11 -O1 -c $< -o $@
# And the consent texts shown to people, every version (api/consent.json).
$(B)/gen/consent.c: $(B)/tools/embed api/consent.json
	@mkdir -p $(dir $@)
	$(B)/tools/embed -p sm__consent $@ api/consent.json
$(B)/gen/consent.o: $(B)/gen/consent.c
	$(CC) $(CPPFLAGS) -std=c11 -O1 -c $< -o $@

# And the web pages (api/web/), each beside its gzip made at build time (api/web.c).
$(B)/gen/web/%.gz: api/web/%
	@mkdir -p $(dir $@)
	gzip -9 -n -c $< > $@
$(B)/gen/web.c: $(B)/tools/embed $(WEB) $(WEB:api/web/%=$(B)/gen/web/%.gz)
	@mkdir -p $(dir $@)
	$(B)/tools/embed -p sm__web $@ $(WEB) $(WEB:api/web/%=$(B)/gen/web/%.gz)
$(B)/gen/web.o: $(B)/gen/web.c
	$(CC) $(CPPFLAGS) -std=c11 -O1 -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(API_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $(API_OBJ) $(LIB) $(LDLIBS) -o $@

$(B)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# The JSON writer's unit suite links its object from the server.
$(B)/tests/test_jsonw: tests/unit/test_jsonw.c tests/unit/check.h $(B)/api/jsonw.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(B)/api/jsonw.o $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# So does the French catalog's (it reads api/'s sources too).
$(B)/tests/test_messages: tests/unit/test_messages.c tests/unit/check.h $(B)/api/messages.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(B)/api/messages.o $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# The in-process routes' failure-injection suite links the server's objects.
$(B)/tests/test_routes: tests/unit/test_routes.c tests/unit/check.h $(API_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(API_LIB_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# End-to-end suites link the server's objects too (the route table, for the OpenAPI test).
$(E2E_BIN): $(B)/tests/%: tests/e2e/%.c tests/e2e/http.h tests/e2e/harness.h tests/e2e/sentences.h \
            tests/unit/check.h \
            $(API_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(API_LIB_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

$(B)/bench/%: bench/%.c bench/gen.h bench/util.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@
# The autocomplete bench times the server's label index (api/search.c).
$(B)/bench/search_speed: bench/search_speed.c bench/util.h $(B)/api/search.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(B)/api/search.o $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# The ROME bench builds a generation as the server does (api/gen.c, api/jobs.c).
$(B)/bench/rome_speed: bench/rome_speed.c bench/util.h $(API_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(API_LIB_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# Fuzz targets also build as corpus replayers (no libFuzzer needed).
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(B)/fuzz/replay_%)
$(B)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< tests/fuzz/replay.c $(LIB) $(LDFLAGS) $(LDLIBS) -o $@
# The API target drives the request handlers, so it links the server's objects.
$(B)/fuzz/replay_api: tests/fuzz/fuzz_api.c tests/fuzz/replay.c $(API_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< tests/fuzz/replay.c $(API_LIB_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

tests: $(BIN) $(TEST_BIN) $(E2E_BIN) $(REPLAY_BIN)
benches: $(BIN) $(BENCH_BIN)

deps:
	@sh .ci/deps.sh bench
deps-test:
	@sh .ci/deps.sh test
deps-run:
	@sh .ci/deps.sh run
deps-bench:
	@sh .ci/deps.sh bench
deps-lint:
	@sh .ci/deps.sh lint

# make test: the plain build runs every suite (unit, CLI, server, full data);
# the sanitizer build runs the unit suites again under ASan and UBSan.
test: deps-test
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory SANITIZE=address,undefined tests
	@$(MAKE) --no-print-directory SANITIZE=thread B=build-tsan build-tsan/tests/test_concurrency
	@if command -v clang >/dev/null 2>&1; then $(MAKE) --no-print-directory fuzz-build; fi
	@bash tests/run.sh build build-san build-tsan

LISTEN ?= 127.0.0.1:8080
run: deps-run
	@$(MAKE) --no-print-directory all
	@LISTEN=$(LISTEN) bash api/run.sh

stop:
	@bash api/run.sh stop

lint: deps-lint
	@$(MAKE) --no-print-directory all
	@bash tests/lint/run.sh $(B)

bench: deps-bench
	@$(MAKE) --no-print-directory benches
	@bash bench/run.sh

# make stress: the server under attack on make bench-api's database (bench/stress.sh).
stress: deps-bench
	@$(MAKE) --no-print-directory all
	@bash bench/stress.sh $(STRESS_SECONDS)

# make soak: minutes of mixed load on the sanitizer build, then the plain one (bench/soak.sh).
SOAK_MINUTES ?= 5
soak: deps-bench
	@$(MAKE) --no-print-directory all benches
	@$(MAKE) --no-print-directory SANITIZE=address,undefined build-san/skillmatch
	@bash bench/soak.sh $(SOAK_MINUTES)

bench-api: deps-bench
	@$(MAKE) --no-print-directory benches
	@bash bench/api_run.sh

# libFuzzer targets (clang); see tests/README.md.
# make fuzz: the libFuzzer targets under ASan and UBSan (built with clang in build-fuzz/), run
# FUZZ_SECONDS each from their corpora; make test builds them and runs them 5 s each.
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	@bash tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-build:
	@$(MAKE) --no-print-directory CC=clang B=build-fuzz SANITIZE=address,undefined \
	    OPT="-O1 -fsanitize=fuzzer-no-link" build-fuzz/libskillmatch.a \
	    $(filter-out build/%,$(API_LIB_OBJ:$(B)/%=build-fuzz/%))
	@mkdir -p build-fuzz/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  extra=; [ $$n = fuzz_api ] && extra="$(API_LIB_OBJ:$(B)/%=build-fuzz/%)"; \
	  echo "clang $$f"; \
	  clang $(CPPFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -std=c11 -g -O1 \
	    -fsanitize=fuzzer,address,undefined $$f $$extra \
	    build-fuzz/libskillmatch.a $(LDLIBS) -pthread -o build-fuzz/fuzz/$$n || exit 1; done

format:
	clang-format -i $$(git ls-files -co --exclude-standard '*.c' '*.h' | grep -v node_modules)

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(API_OBJ:.o=.d)
