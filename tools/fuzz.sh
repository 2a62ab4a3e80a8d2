#!/usr/bin/env bash
# libFuzzer fuzzing of the input parsers (tools/Fuzz/README.md).
#   tools/fuzz.sh build [TARGET...]          build the fuzzers into .build-fuzz (release, ASan + libFuzzer)
#   tools/fuzz.sh run TARGET [SECONDS] [libFuzzer flags...]
#                                            fuzz one target (default FUZZ_SECONDS or 60 s)
#   tools/fuzz.sh all [SECONDS]              build and run every target, then print a summary
#   tools/fuzz.sh replay [TARGET...]         plain debug build (.build); every seed and saved crash through each target
# FUZZ_ASAN=0 builds and runs without AddressSanitizer (.build-fuzz-noasan; Swift's own traps
# still fire): several times faster where big allocations dominate (assign). Replay the corpus
# under ASan afterwards: tools/fuzz.sh run TARGET 0 -runs=0.
# Targets: geojson (GeoJSONReader), assign (AssignPipeline.runCSV/runGeoJSON), address
# (AddressMatcher.geocode/explain), wkb (WKB/GeoPackage writer against GEOS's WKB reader),
# elevation (ElevationModel's ESRI ASCII Grid reader and writer).
# Seeds: tools/Fuzz/corpus/TARGET (committed). Growing corpus: .build-fuzz/corpus/TARGET. Crashes
# and other findings: .build-fuzz/artifacts/TARGET/ (minimise with -minimize_crash=1, then save
# the result under tools/Fuzz/crashes/TARGET/ as a regression input).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"

ALL_TARGETS=(geojson assign address wkb elevation)
WORK=.build-fuzz          # corpus, artifacts, logs, the gazetteer cache
SCRATCH=.build-fuzz
SANITIZE=(--sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address)
LOG_SUFFIX=""
if [ "${FUZZ_ASAN:-1}" = 0 ]; then
    SCRATCH=.build-fuzz-noasan
    SANITIZE=(--sanitize=fuzzer -Xswiftc -sanitize=fuzzer)
    LOG_SUFFIX=-noasan
fi
FUZZ_JOBS="${FUZZ_JOBS:-2}"

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

check_target() {
    case " ${ALL_TARGETS[*]} " in *" $1 "*) ;; *) echo "fuzz.sh: unknown target '$1' (${ALL_TARGETS[*]})" >&2; exit 2 ;; esac
}

build() {
    local targets=("$@")
    [ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")
    for t in "${targets[@]}"; do
        check_target "$t"
        # SwiftPM's --sanitize=fuzzer links libFuzzer's main in place of the executable's entry
        # point; the -Xswiftc repeat matters: swiftc keeps only the last -sanitize= flag, and
        # only the combined one instruments for coverage as well as for ASan.
        swift build --scratch-path "$SCRATCH" -c release -j "$FUZZ_JOBS" --product "fuzz-$t" \
            "${SANITIZE[@]}" -Xswiftc -DWANGGE_FUZZ
    done
}

# Longest input per target (FUZZ_MAX_LEN overrides): an address is one line of text, the longest
# real one about 80 characters; at 4096 bytes the matcher's per-character work (every window of the
# typo pass, twice: geocode and explain) made each input cost tens of milliseconds.
max_len_of() { case "$1" in address) echo 512 ;; *) echo 4096 ;; esac; }

# Findings only: libFuzzer also writes slow-unit-* files for inputs slower than 10 s of wall clock,
# which on a loaded machine under nice says more about the machine than the input.
count_files() { find "$1" -type f ! -name 'slow-unit-*' 2>/dev/null | wc -l || true; }

# run TARGET SECONDS [flags...]: prints "TARGET executions exec/s cpu_s exec/cpu_s new-units crashes" last.
run() {
    local t="$1" seconds="$2"; shift 2
    check_target "$t"
    local bin="$SCRATCH/release/fuzz-$t"
    [ -x "$bin" ] || build "$t"
    local corpus="$WORK/corpus/$t" artifacts="$WORK/artifacts/$t" log="$WORK/logs/$t$LOG_SUFFIX.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    local dict=()
    [ -f "tools/Fuzz/$t.dict" ] && dict=("-dict=tools/Fuzz/$t.dict")
    local before
    before=$(count_files "$artifacts")
    echo "== fuzz-$t$LOG_SUFFIX for ${seconds}s (log: $log)"
    local cpu_file
    cpu_file=$(mktemp)
    set +e
    # CPU seconds beside the wall-clock rate: on a shared machine (and under nice) executions per
    # CPU second are what compare from run to run.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}" \
        /usr/bin/time -f "%U %S" -o "$cpu_file" "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=20 -rss_limit_mb=4096 \
        -max_len="${FUZZ_MAX_LEN:-$(max_len_of "$t")}" -artifact_prefix="$artifacts/" "${dict[@]}" "$@" \
        "$corpus" "tools/Fuzz/corpus/$t" >"$log" 2>&1
    local rc=$?
    set -e
    local execs rate units after
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
    after=$(count_files "$artifacts")
    if [ -z "$execs" ]; then  # stopped on a finding before the final stats
        execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
        rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | sed 's/exec.s: //')
    fi
    local cpu
    # The last line: /usr/bin/time writes "Command exited with non-zero status N" above it when the
    # fuzzer stops on a finding or an interrupt.
    cpu=$(tail -n 1 "$cpu_file" | awk '{ printf "%.0f", $1 + $2 }' 2>/dev/null)
    rm -f "$cpu_file"
    local crashes=$((after - before))
    [ "$crashes" -lt 0 ] && crashes=0
    # A finding whose artifact is missing; not a run stopped by hand (SIGINT: "run interrupted").
    [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && ! grep -q 'libFuzzer: run interrupted' "$log" && crashes=1
    local per_cpu="?"
    [ -n "$execs" ] && [ "${cpu:-0}" -gt 0 ] && per_cpu=$((execs / cpu))
    echo "$t$LOG_SUFFIX: executions=${execs:-?} exec/s=${rate:-?} cpu_s=${cpu:-?} exec/cpu_s=$per_cpu new_units=${units:-?} crashes=$crashes exit=$rc"
    if [ "$crashes" -gt 0 ]; then
        grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer)|Fatal error|Precondition failed|SUMMARY' "$log" || true
        find "$artifacts" -type f -newer "$bin" 2>/dev/null | sed 's/^/  artifact: /' || true
    fi
    return 0
}

replay() {
    local targets=("$@")
    [ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")
    for t in "${targets[@]}"; do check_target "$t"; done
    # The ordinary debug build (a plain `swift build` makes the fuzz products replayers);
    # FUZZ_REPLAY_SCRATCH / FUZZ_REPLAY_FLAGS to use another, e.g. .build-asan and --sanitize=address.
    local scratch="${FUZZ_REPLAY_SCRATCH:-.build}"
    for t in "${targets[@]}"; do
        # shellcheck disable=SC2086
        swift build --scratch-path "$scratch" ${FUZZ_REPLAY_FLAGS:-} --product "fuzz-$t" >/dev/null
    done
    for t in "${targets[@]}"; do
        local files=()
        while IFS= read -r f; do files+=("$f"); done < <(find "tools/Fuzz/corpus/$t" "tools/Fuzz/crashes/$t" -type f 2>/dev/null | sort)
        [ ${#files[@]} -eq 0 ] && continue
        WANGGE_FUZZ_GAZETTEER="${WANGGE_FUZZ_GAZETTEER:-$WORK/gazetteer.sqlite}" \
            "$scratch/debug/fuzz-$t" "${files[@]}" | tail -1
        echo "$t: ${#files[@]} inputs replayed without a crash"
    done
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
    build) build "$@" ;;
    run) [ $# -ge 1 ] || usage; t="$1"; shift; s="${1:-${FUZZ_SECONDS:-60}}"; [ $# -gt 0 ] && shift; run "$t" "$s" "$@" ;;
    all)
        seconds="${1:-${FUZZ_SECONDS:-60}}"
        build
        summary=()
        for t in "${ALL_TARGETS[@]}"; do summary+=("$(run "$t" "$seconds" | tail -n +2)"); done
        echo "== summary (${seconds}s per target)"
        printf '%s\n' "${summary[@]}"
        ;;
    replay) replay "$@" ;;
    *) usage ;;
esac
