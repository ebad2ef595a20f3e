#!/bin/bash
# tests/fuzz/run-fuzz.sh MODE SECONDS [HARNESS...]: runs the libFuzzer harnesses (query data route
# image by default) built by `make fuzz-build`.
#
#   run    (make fuzz)  each harness in turn for SECONDS over tests/fuzz/work/NAME/corpus, which
#                       is seeded from corpus/NAME and regressions/NAME and kept between runs
#   check  (make check-full) each harness first over regressions/NAME (every input must pass), then
#                       all harnesses at once for SECONDS each
#
# Prints one line per harness, "fuzz: NAME passed|FAILED ...", and exits 1 if any failed. A crash,
# sanitizer report or leak is saved as tests/fuzz/work/NAME/crash-*; the full log is
# tests/fuzz/work/NAME/MODE.log. Keep a crash as a regression input: copy it into
# tests/fuzz/regressions/NAME/ (that folder and corpus/NAME are the only ones to commit).
#
# Environment: FUZZ_BIN_DIR (built harnesses; default: this folder), FUZZ_SRC_DIR (seeds,
# regressions, dictionaries; default: this folder), ASAN_OPTIONS / UBSAN_OPTIONS (defaults below).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-}
seconds=${2:-}
shift 2 2>/dev/null || true
names=("$@")
((${#names[@]})) || names=(query data route image)
bin_dir=${FUZZ_BIN_DIR:-$here}
src_dir=${FUZZ_SRC_DIR:-$here}
work=$bin_dir/work

if [[ $mode != run && $mode != check ]] || ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
    echo "usage: $0 run|check SECONDS [query|data|route|image ...]" >&2
    exit 2
fi

# Leaks are reported (the harnesses destroy every per-input pool; what lives until exit is
# reachable from statics, so LeakSanitizer does not count it). UBSan stops at the first report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:report_error_type=1}

max_len() {
    case $1 in
        query) echo 8192 ;;
        data) echo 65536 ;;
        route) echo 512 ;;
        image) echo 4096 ;;
    esac
}

# regressions NAME: the inputs of regressions/NAME (not README files), one per line.
regressions() {
    local f
    for f in "$src_dir/regressions/$1"/*; do
        [[ -f $f && $(basename "$f") != README* ]] && printf '%s\n' "$f"
    done
}

# fuzz NAME SECONDS LOG: fuzzes NAME for SECONDS; sets $rc.
fuzz() {
    local name=$1 secs=$2 log=$3 dir=$work/$1 dict=$src_dir/$1.dict
    local -a opts=(-max_total_time="$secs" -max_len="$(max_len "$name")" -timeout=10
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/")
    [[ -f $dict ]] && opts+=(-dict="$dict")
    mkdir -p "$dir/corpus"
    # seeds and regressions into the scratch corpus (libFuzzer names its own units by hash)
    cp -f "$src_dir/corpus/$name"/* "$dir/corpus/" 2>/dev/null
    while IFS= read -r f; do cp -f "$f" "$dir/corpus/regression-$(basename "$f")"; done \
        < <(regressions "$name")
    "$bin_dir/fuzz_$name" "${opts[@]}" "$dir/corpus" >"$log" 2>&1
    rc=$?
}

# summary NAME LOG ELAPSED: "N runs in S s (R/s), cov C ft F, corpus K" from libFuzzer's log.
summary() {
    local log=$2 runs rate cov ft corp last
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -n 1)
    cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
    printf '%s runs in %ss (%s/s), cov %s, ft %s, corpus %s' "${runs:-?}" "$3" "${rate:-?}" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}"
}

# why LOG: what went wrong (the invariant's message, else the sanitizer's first line; cut to 300
# characters) and where the input was saved.
why() {
    local log=$1 line art
    line=$(grep -m 2 '^==fuzz== ' "$log" | tail -n 1)
    [[ -n $line ]] ||
        line=$(grep -m 1 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|ERROR: libFuzzer' "$log")
    # a replayed file is named by "Running: FILE"; a fuzzed input is saved as an artifact
    art=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -n 1)
    [[ -n $art ]] || art=$(sed -nE 's/^Running: (.*)$/\1/p' "$log" | tail -n 1)
    line=${line:-exit status $rc}
    ((${#line} > 300)) && line="${line:0:297}..."
    printf '%s%s' "$line" "${art:+; input: $art}"
}

check_tools() {
    local name missing=0
    for name in "${names[@]}"; do
        if [[ ! -x $bin_dir/fuzz_$name ]]; then
            echo "fuzz: $bin_dir/fuzz_$name is not built (make fuzz-build; needs the Debian packages clang and libclang-rt-14-dev)"
            missing=1
        fi
    done
    return $missing
}

check_tools || exit 1
failed=0

if [[ $mode == run ]]; then
    for name in "${names[@]}"; do
        mkdir -p "$work/$name"
        log=$work/$name/run.log
        start=$SECONDS
        fuzz "$name" "$seconds" "$log"
        elapsed=$((SECONDS - start))
        if ((rc == 0)); then
            echo "fuzz: $name passed: $(summary "$name" "$log" "$elapsed")"
        else
            echo "fuzz: $name FAILED: $(why "$log") (log: $log)"
            failed=1
        fi
    done
    exit $failed
fi

# check: regressions first, each input in a process of its own so that every failing one is named
declare -A bad=()
for name in "${names[@]}"; do
    mkdir -p "$work/$name"
    mapfile -t inputs < <(regressions "$name")
    failing=() first_why=
    for f in "${inputs[@]}"; do
        log=$work/$name/regression-$(basename "$f").log
        if "$bin_dir/fuzz_$name" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/$name/" \
            "$f" >"$log" 2>&1; then
            rm -f "$log"
        else
            rc=$?
            failing+=("$(basename "$f")")
            [[ -n $first_why ]] || first_why="$(why "$log") (log: $log)"
        fi
    done
    if ((${#failing[@]})); then
        echo "fuzz: $name FAILED on ${#failing[@]} of ${#inputs[@]} regression inputs (${failing[*]}); first: $first_why"
        bad[$name]=1
    fi
done

# then a short run of every harness that passed its regressions, all at once
declare -A pids=() starts=()
for name in "${names[@]}"; do
    [[ -n ${bad[$name]:-} ]] && continue
    ( fuzz "$name" "$seconds" "$work/$name/check.log"; exit $rc ) &
    pids[$name]=$!
    starts[$name]=$SECONDS
done
for name in "${names[@]}"; do
    if [[ -n ${bad[$name]:-} ]]; then
        failed=1
        continue
    fi
    wait "${pids[$name]}"
    rc=$?
    log=$work/$name/check.log
    if ((rc == 0)); then
        echo "fuzz: $name passed: $(summary "$name" "$log" $((SECONDS - starts[$name])))"
    else
        echo "fuzz: $name FAILED: $(why "$log") (log: $log)"
        failed=1
    fi
done
exit $failed
