#!/usr/bin/env bash
# bench/run.sh: every benchmark of the foundation, with its peer, in one run.
# Called by `make bench` (which builds first). Needs the ESCO/DigComp data in
# $SKILLMATCH_DATA (default ../shared/data). Writes bench/out/latest.md.
#
#   1. taxonomy load (full ESCO EN+FR + DigComp + built-in, indexes and the
#      similarity model): 7 runs, median and max, peak memory;
#      peer: PostgreSQL 15 COPY of the same 22 CSV files into UNLOGGED text
#      tables (parsing and storing only, no index), 7 runs, same machine.
#   2. extraction throughput on a job-ad-like corpus (ESCO occupation
#      descriptions, EN+FR): MB/s and per-line latency over 7 passes;
#      peer: GNU grep -F -i -o with all 118k skill labels (Aho-Corasick style
#      literal matching, no ranking), on the same text, 7 runs.
#   3. quality: extraction gold set (ours vs literal labels) and the
#      similarity model on held-out occupations.
#   5. the JSON API (bench/api_run.sh): start-up from PostgreSQL, POST /v1/match and
#      POST /v1/offers under wrk, pgbench as the write peer.
#   6. training paths and gaps (bench/path_speed): 1M job offers, 100,000
#      trainings; peer: the same planner with the greedy search only.
#      Skills demand (bench/demand_speed): 1M offers and profiles; peer:
#      PostgreSQL counting the same from tables (run with the matcher's peer).
#   7. places (bench/places_speed): every French commune, lookups and autocomplete;
#      peer (PLACES_DB=CONNINFO): PostgreSQL with an indexed prefix.
#   4. the matcher: ranking quality against Jaccard (held-out occupations),
#      speed and memory at MATCH_OFFERS offers and profiles (default 1M),
#      PostgreSQL computing the same ranking in SQL on the same data, and
#      Xapian (python3-xapian) ranking the same offers by BM25 over skills.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${SKILLMATCH_DATA:-../shared/data}
ESCO=$DATA/esco-1.1.1
DIGCOMP=$DATA/digcomp-3.0/DigComp_3.0_Data_Supplement_24_Nov_2025.jsonld
RUNS=${BENCH_RUNS:-7}
if [ ! -d "$ESCO" ]; then
  echo "bench: no ESCO data at $ESCO (set SKILLMATCH_DATA); nothing measured" >&2
  exit 1
fi
out=bench/out
mkdir -p "$out"
report=$out/latest.md
B=build

# median and max of numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.3f %.3f\n", m, v[NR]}'; }
now() { date +%s.%N; }

{
echo "# Benchmark run $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
     "$(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); shared and noisy, compare ratios."
echo
} > "$report"

echo "== 1. taxonomy load ($RUNS runs)" >&2
: > "$out/load.txt"
for _ in $(seq "$RUNS"); do
  $B/skillmatch taxonomy --esco "$ESCO" --digcomp "$DIGCOMP" > "$out/taxonomy.json"
  load=$(grep '"load_seconds"' "$out/taxonomy.json" | grep -oE '[0-9.]+')
  rss=$(grep '"peak_rss_bytes"' "$out/taxonomy.json" | grep -oE '[0-9]+')
  echo "$load $rss" >> "$out/load.txt"
done
read -r load_med load_max < <(cut -d' ' -f1 "$out/load.txt" | stats)
read -r rss_med _ < <(cut -d' ' -f2 "$out/load.txt" | stats)

echo "== 1b. peer: PostgreSQL COPY of the same files" >&2
pgdir=$out/pg
sql/pg-private.sh start "$pgdir"
trap 'sql/pg-private.sh stop "$pgdir"' EXIT
eval "$(sql/pg-private.sh env "$pgdir")"
export PGHOST PGPORT PGUSER PGDATABASE
files=()
for f in skills_en.csv skillGroups_en.csv occupations_en.csv ISCOGroups_en.csv \
         digitalSkillsCollection_en.csv transversalSkillsCollection_en.csv \
         languageSkillsCollection_en.csv greenSkillsCollection_en.csv digCompSkillsCollection_en.csv \
         broaderRelationsSkillPillar.csv broaderRelationsOccPillar.csv skillSkillRelations.csv \
         occupationSkillRelations.csv; do files+=("$ESCO/en/$f"); done
for f in skillGroups_fr.csv occupations_fr.csv ISCOGroups_fr.csv skills_fr_labels.csv \
         digitalSkillsCollection_fr.csv transversalSkillsCollection_fr.csv \
         languageSkillsCollection_fr.csv greenSkillsCollection_fr.csv digCompSkillsCollection_fr.csv; do
  files+=("$ESCO/fr/$f")
done
script=$out/pg_copy.sql
echo "SET client_min_messages = warning;" > "$script"
i=0
for f in "${files[@]}"; do
  i=$((i + 1))
  cols=$(head -n 1 "$f" | tr -d '\r\357\273\277' | awk -F, '{for (k=1;k<=NF;k++) printf "%s\"%s\" text", (k>1?", ":""), $k}')
  echo "DROP TABLE IF EXISTS t$i; CREATE UNLOGGED TABLE t$i ($cols);" >> "$script"
  echo "\\copy t$i FROM '$(cd "$(dirname "$f")" && pwd)/$(basename "$f")' WITH (FORMAT csv, HEADER true)" >> "$script"
done
: > "$out/pg.txt"
for _ in $(seq "$RUNS"); do
  t0=$(now); psql -q -v ON_ERROR_STOP=1 -f "$script" > /dev/null; t1=$(now)
  echo "$t1 - $t0" | bc -l >> "$out/pg.txt"
done
read -r pg_med pg_max < <(stats < "$out/pg.txt")
pg_rows=$(psql -Atc "SELECT sum(n) FROM (SELECT count(*) n FROM t1 $(for k in $(seq 2 $i); do printf 'UNION ALL SELECT count(*) FROM t%d ' "$k"; done)) s")
{
echo
echo "## Skills demand, $N job offers and $N profiles, beside PostgreSQL (bench/demand_speed)"
echo
echo '```'
$B/bench/demand_speed "$ESCO" "$N" "$N" 200
echo '```'
} >> "$report"
sql/pg-private.sh stop "$pgdir"
trap - EXIT

{
echo "## Taxonomy load: full ESCO 1.1.1 EN+FR, DigComp 3.0 JSON-LD, built-in"
echo
echo "| what | median s | max s | peak RSS MiB |"
echo "|---|---:|---:|---:|"
printf "| skillmatch: parse 22 CSV + JSON-LD, build indexes and similarity | %.3f | %.3f | %.0f |\n" "$load_med" "$load_max" "$(echo "$rss_med / 1048576" | bc -l)"
printf "| PostgreSQL 15: COPY the same 22 CSV (%s rows) into UNLOGGED tables, no index | %.3f | %.3f | |\n" "$pg_rows" "$pg_med" "$pg_max"
printf "| ratio PostgreSQL / skillmatch (median) | %.1fx | | |\n" "$(echo "$pg_med / $load_med" | bc -l)"
echo
echo "Command: \`$B/skillmatch taxonomy --esco $ESCO --digcomp $DIGCOMP\` ($RUNS runs)."
echo
} >> "$report"

echo "== 2. extraction throughput" >&2
$B/bench/make_corpus "$ESCO" "$out/corpus.txt" "$out/labels.txt"
$B/bench/extract_speed "$ESCO" "$out/corpus.txt" "$RUNS" > "$out/extract_speed.txt"
kv() { grep "^$1=" "$out/extract_speed.txt" | cut -d= -f2; }
corpus_mb=$(kv corpus_mb)
# grep peer on a hundred copies of the corpus, so scanning dominates; the automaton
# build time (grep on an empty file, median) is taken off.
for _ in $(seq 100); do cat "$out/corpus.txt"; done > "$out/corpus100.txt"
: > "$out/empty.txt"
: > "$out/grep_build.txt"
: > "$out/grep_total.txt"
for _ in $(seq "$RUNS"); do
  # (output goes to wc: GNU grep stops at the first match when stdout is /dev/null)
  t0=$(now); { LC_ALL=C grep -F -i -o -f "$out/labels.txt" "$out/empty.txt" || true; } | wc -l > /dev/null; t1=$(now)
  LC_ALL=C grep -F -i -o -f "$out/labels.txt" "$out/corpus100.txt" | wc -l > /dev/null; t2=$(now)
  echo "$t1 - $t0" | bc -l >> "$out/grep_build.txt"
  echo "$t2 - $t1" | bc -l >> "$out/grep_total.txt"
done
read -r grep_build _ < <(stats < "$out/grep_build.txt")
: > "$out/grep.txt"
while read -r total; do echo "100 * $corpus_mb / ($total - $grep_build)" | bc -l >> "$out/grep.txt"; done < "$out/grep_total.txt"
read -r grep_med grep_worst < <(sort -g "$out/grep.txt" | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.3f %.3f\n", m, v[1]}')
{
echo "## Extraction throughput, one core, full ESCO EN+FR dictionaries"
echo
echo "Corpus: $(kv corpus_lines) lines, $corpus_mb MB (ESCO occupation descriptions, EN and FR)."
echo
echo "| what | median MB/s | worst MB/s | line latency median µs | p99 µs |"
echo "|---|---:|---:|---:|---:|"
printf "| skillmatch extract (limit 10, both languages, ranked, with fallback) | %s | %s | %s | %s |\n" "$(kv mb_per_s_median)" "$(kv mb_per_s_worst)" "$(kv line_us_median)" "$(kv line_us_p99)"
printf "| GNU grep -F -i -o, 118k labels, C locale (literal only, no ranking; %.2f s automaton build not counted) | %.2f | %.2f | | |\n" "$grep_build" "$grep_med" "$grep_worst"
printf "| ratio skillmatch / grep (median) | %.2fx | | | |\n" "$(echo "$(kv mb_per_s_median) / $grep_med" | bc -l)"
echo
echo "Extractor build: $(kv extractor_build_s) s, $(kv phrases) label phrases. Command: \`$B/bench/extract_speed $ESCO $out/corpus.txt $RUNS\`."
echo
} >> "$report"

echo "== 3. quality" >&2
{
echo "## Extraction quality on the gold set (tests/fixtures/gold/extraction.tsv)"
echo
$B/bench/extract_eval "$ESCO"
echo
echo "## Extraction as the benchmark measures it: RP@k on the validation split and our gold set (bench/extract_bench)"
echo
$B/bench/extract_bench "$ESCO" "${SKILLMATCH_DATA:-../shared/data}/skill-extraction-validation"
echo
echo "## Similarity model on held-out occupations"
echo
$B/bench/sim_eval "$ESCO"
} >> "$report"
echo "== 4. matcher" >&2
N=${MATCH_OFFERS:-1000000}
# The matcher runs as `skillmatch serve` runs it: glibc's heap on transparent huge pages
# (see reexec_with_huge_pages in api/main.c); the peers get the same environment.
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1
{
echo
echo "## Matcher quality (bench/match_eval)"
echo
$B/bench/match_eval "$ESCO"
echo
echo "## Matcher speed and memory, $N offers and $N profiles (bench/match_speed)"
echo
echo '```'
$B/bench/match_speed "$ESCO" "$N" "$N" 1000
echo '```'
} >> "$report"
sql/pg-private.sh start "$pgdir"
trap 'sql/pg-private.sh stop "$pgdir"' EXIT
{
echo
echo "## PostgreSQL computing the same ranking, $N offers (bench/match_pg)"
echo
echo '```'
$B/bench/match_pg "$ESCO" "$N" 40
echo '```'
} >> "$report"
{
echo
echo "## Skills demand, $N job offers and $N profiles, beside PostgreSQL (bench/demand_speed)"
echo
echo '```'
$B/bench/demand_speed "$ESCO" "$N" "$N" 200
echo '```'
} >> "$report"
sql/pg-private.sh stop "$pgdir"
trap - EXIT
mkdir -p "$out/xapian"
{
echo
echo "## Xapian BM25 over skill terms, the same $N offers (bench/match_dump + bench/xapian_peer.py)"
echo
echo '```'
$B/bench/match_dump "$ESCO" "$N" 200 "$out/xapian"
/usr/bin/python3 bench/xapian_peer.py "$out/xapian"
echo '```'
} >> "$report"
rm -f "$out/xapian/offers.txt" "$out/xapian/queries.txt"
# 6. Training paths and gaps.
echo "== 6. training paths" >&2
{
echo
echo "## Training paths and gaps, $N job offers and 100,000 trainings (bench/path_speed)"
echo
echo '```'
$B/bench/path_speed "$ESCO" "$N" 100000 300
echo '```'
} >> "$report"
# 7. Places: lookups and autocomplete over every commune (the PostgreSQL peer needs a database
# where `skillmatch import places` ran: PLACES_DB=CONNINFO).
if [ -f "$DATA/fr-communes/communes.csv" ]; then
  echo "== 7. places" >&2
  {
  echo
  echo "## Places (bench/places_speed)"
  echo
  echo '```'
  $B/bench/places_speed "$DATA/fr-communes/communes.csv" ${PLACES_DB:+"$PLACES_DB"}
  echo '```'
  } >> "$report"
fi
# 5. The JSON API end to end (bench/api_run.sh writes bench/out/api.md).
echo "== 5. the JSON API" >&2
if bash bench/api_run.sh > /dev/null; then
  { echo; cat "$out/api.md"; } >> "$report"
else
  { echo; echo "## The JSON API: bench/api_run.sh failed (see its output)"; } >> "$report"
fi
cat "$report"
rm -f "$out/corpus100.txt"
