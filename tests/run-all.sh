#!/bin/bash
# tests/run-all.sh [STEP...]: every test of `make check`, one step after the other. Each step adds
# its passed / failed / skipped counts; the last line printed is exactly
# "N passed, N failed" or "N passed, N failed, N skipped", and the exit status is 1 if anything
# failed. Without arguments all STEPS run (make check CHECK_STEPS="unit integration" picks some).
#
# Environment (set by `make check`):
#   RC_SRCDIR         absolute top source dir     RC_BUILDDIR       absolute top build dir
#   RC_MODULE         the built mod_rootcauses.so
#   RC_HTTPD          httpd binary                RC_HTTPD_MODULES  httpd's own modules dir
#
# To add a suite: write step_NAME (run it, then call `counts PASSED FAILED SKIPPED`) and add NAME
# to STEPS.
set -uo pipefail

STEPS=(unit unit_asan integration integration_worker integration_prefork browser html fuzz
    integration_asan valgrind stress)

here=$(cd "$(dirname "$0")" && pwd)
export RC_SRCDIR=${RC_SRCDIR:-$(dirname "$here")}
export RC_BUILDDIR=${RC_BUILDDIR:-$PWD}
export RC_MODULE=${RC_MODULE:-$RC_BUILDDIR/mod_rootcauses/.libs/mod_rootcauses.so}
export RC_HTTPD=${RC_HTTPD:-$(command -v apache2 || command -v httpd || echo /usr/sbin/apache2)}
export RC_HTTPD_MODULES=${RC_HTTPD_MODULES:-/usr/lib/apache2/modules}
PYTHON=${RC_PYTHON:-/usr/bin/python3}

logdir=$RC_BUILDDIR/tests/logs
mkdir -p "$logdir"

# Counts of the current step, set by counts().
s_pass=0 s_fail=0 s_skip=0
counts() { s_pass=$1 s_fail=$2 s_skip=$3; }
note() { printf 'run-all: %s\n' "$*"; }

# run LOG TIMEOUT CMD...: run CMD, output to the terminal and to LOG; sets $rc.
run() {
    local log=$1 limit=$2
    shift 2
    timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    if ((rc == 124 || rc == 137)); then
        note "$1 was stopped after ${limit}s"
    fi
}

# check_program NAME PROGRAM: a Check runner; counts from "NN%: Checks: N, Failures: F, Errors: E".
check_program() {
    local name=$1 prog=$2 log=$logdir/$1.log line checks=0 failures=0 errors=0 found=0
    if [[ ! -x $prog ]]; then
        note "$prog not built (make check builds it)"
        counts 0 1 0
        return
    fi
    RC_TEST_FIXTURES=${RC_TEST_FIXTURES:-$RC_SRCDIR/tests/unit/fixtures} run "$log" 900 "$prog"
    while IFS= read -r line; do
        if [[ $line =~ ^[0-9]+%:\ Checks:\ ([0-9]+),\ Failures:\ ([0-9]+),\ Errors:\ ([0-9]+) ]]; then
            found=1
            checks=$((checks + BASH_REMATCH[1]))
            failures=$((failures + BASH_REMATCH[2]))
            errors=$((errors + BASH_REMATCH[3]))
        fi
    done <"$log"
    if ((!found)); then
        note "$name: no Check summary (exit status $rc)"
        counts 0 1 0
        return
    fi
    if ((rc != 0 && failures + errors == 0)); then
        note "$name: exit status $rc although every check passed"
        errors=1
    fi
    counts $((checks - failures - errors < 0 ? 0 : checks - failures - errors)) $((failures + errors)) 0
}

step_unit() {
    check_program unit "$RC_BUILDDIR/tests/unit/test_rc"
}

step_unit_asan() {
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-5} \
        check_program unit_asan "$RC_BUILDDIR/tests/unit/test_rc_asan"
}

step_integration() {
    local dir=$RC_SRCDIR/tests/integration log=$logdir/${1:-integration}.log summary n kind
    local passed=0 failed=0 skipped=0
    if [[ ! -d $dir ]]; then
        note "integration: no tests/integration yet"
        counts 0 0 0
        return
    fi
    pushd "$RC_SRCDIR" >/dev/null || { counts 0 1 0; return; }
    run "$log" 2400 "$PYTHON" -m pytest -q -rfEs -p no:cacheprovider tests/integration
    popd >/dev/null || true
    summary=$(grep -E ' in [0-9.]+s' "$log" | grep -E 'passed|failed|skipped|error|no tests ran|deselected|xfailed|xpassed' | tail -n 1)
    while read -r n kind; do
        case $kind in
            passed | xpassed) passed=$((passed + n)) ;;
            failed | error | errors) failed=$((failed + n)) ;;
            skipped | xfailed) skipped=$((skipped + n)) ;;
        esac
    done < <(grep -oE '[0-9]+ (passed|failed|skipped|errors?|xfailed|xpassed)' <<<"$summary")
    # pytest: 0 all passed, 1 some failed, 5 no tests; anything else (usage error, internal
    # error, interrupted, timeout, no pytest) is a failure even when no test was counted failed.
    if ((rc != 0 && rc != 1 && rc != 5 && failed == 0)); then
        note "integration: pytest exit status $rc${summary:+ ($summary)} (is python3-pytest installed?)"
        failed=1
    elif ((rc == 1 && failed == 0)); then
        note "integration: pytest exit status 1 without a failed test (is python3-pytest installed?)"
        failed=1
    fi
    counts $passed $failed $skipped
}

# integration_event, integration_worker, integration_prefork: the integration suite once more
# under that MPM (RC_MPM; `integration` itself runs under $RC_MPM, event by default), log in
# tests/logs/integration_MPM.log. STEPS runs integration (event), worker and prefork.
step_integration_event() { RC_MPM=event step_integration integration_event; }
step_integration_worker() { RC_MPM=worker step_integration integration_worker; }
step_integration_prefork() { RC_MPM=prefork step_integration integration_prefork; }

# browser_deps: tests/browser/node_modules (playwright-core, axe-core, vnu-jar as pinned in its
# package-lock.json) installed with `npm ci` when missing or older than the lock file; returns 1
# (after a note) when that is not possible.
browser_deps() {
    local dir=$RC_SRCDIR/tests/browser
    if [[ -f $dir/node_modules/.package-lock.json && ! $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
        return 0
    fi
    if ! command -v npm >/dev/null; then
        note "browser: npm not found (Debian packages nodejs and npm; ./bootstrap installs them)"
        return 1
    fi
    note "browser: npm ci in $dir"
    # --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
    if ! (cd "$dir" && timeout 600 npm ci --no-audit --no-fund --ignore-scripts) >"$logdir/npm-ci.log" 2>&1; then
        cat "$logdir/npm-ci.log"
        note "browser: npm ci failed (log: $logdir/npm-ci.log)"
        return 1
    fi
}

# browser_run NAME TIMEOUT: tests/browser/run.py NAME (a real httpd, then Chromium or vnu);
# counts from its last line "N passed, N failed".
browser_run() {
    local name=$1 limit=$2 log=$logdir/$1.log last
    if ! browser_deps; then
        counts 0 1 0
        return
    fi
    run "$log" "$limit" "$PYTHON" "$RC_SRCDIR/tests/browser/run.py" "$name"
    last=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        local p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
        if ((rc != 0 && f == 0)); then
            note "$name: exit status $rc although every test passed"
            f=1
        fi
        counts "$p" "$f" 0
    else
        note "$name: no summary line (exit status $rc)"
        counts 0 1 0
    fi
}

# Every page type in Chromium: axe-core (WCAG 2.1 A and AA), console errors, keyboard use of the
# filter form, layout at 1280 and 375 px; screenshots in $RC_BUILDDIR/tests/screenshots/.
step_browser() {
    browser_run browser 300
}

# Every page type through the Nu HTML Checker (vnu-jar with java): no error.
step_html() {
    browser_run html 300
}

# ---- sanitizers and stress (tests/sanitize/README.md, tests/stress/run.sh)
# integration_asan: the integration suite once more, with mod_rootcauses_asan.so (the module built
# with ASan and UBSan) in Debian's httpd, and the ASan runtime and tests/sanitize/rc_poolshim.so
# (a malloc block per apr_palloc) preloaded into httpd only. Fails on any failed test and on any
# report: ASan writes one file per process into a folder www-data can write; UBSan writes to the
# error log, which the harness checks after each test (as it does crashes).
step_integration_asan() {
    local so=${RC_MODULE_ASAN:-$RC_BUILDDIR/mod_rootcauses/.libs/mod_rootcauses_asan.so}
    local shim=${RC_POOLSHIM:-$RC_BUILDDIR/tests/sanitize/.libs/rc_poolshim.so}
    local asan preload dir f n=0
    if [[ ! -f $so ]]; then
        note "integration_asan: $so not built (make check builds it)"
        counts 0 1 0
        return
    fi
    # The ASan runtime the module was linked with (gcc -print-file-name=libasan.so names the same).
    asan=$(ldd "$so" | awk '$1 ~ /^libasan\.so/ { print $3 }')
    if [[ ! -f $asan ]]; then
        note "integration_asan: no libasan in ldd $so (Debian package libasan8)"
        counts 0 1 0
        return
    fi
    preload=$asan
    if [[ ${RC_ASAN_POOLSHIM:-1} != 0 ]]; then
        [[ -f $shim ]] || { note "integration_asan: $shim not built"; counts 0 1 0; return; }
        preload+=" $shim"
    fi
    dir=$(mktemp -d /tmp/rc-asan.XXXXXX) && chmod 0777 "$dir" || { counts 0 1 0; return; }
    # detect_leaks=0: httpd keeps its pools until exit and its children exit without freeing
    # them (leaks are valgrind's part: make check-valgrind).
    RC_MODULE=$so RC_PRELOAD=$preload \
    RC_HTTPD_ENV="ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:log_path=$dir/asan" \
        step_integration integration_asan
    rm -rf "$logdir/asan-reports"
    for f in "$dir"/*; do
        [[ -e $f ]] || continue
        n=$((n + 1))
        mkdir -p "$logdir/asan-reports"
        cp "$f" "$logdir/asan-reports/"
        note "integration_asan: sanitizer report $f:"
        sed -n '1,60p' "$f"
    done
    rm -rf "$dir"
    if ((n > 0)); then
        note "integration_asan: $n sanitizer report(s), kept in $logdir/asan-reports/"
        s_fail=$((s_fail + n))
    fi
}

# valgrind: make check-valgrind (tests/sanitize/valgrind.sh: httpd -X under valgrind memcheck over
# a representative request set, reloads included; about 15 s): one pass when memcheck found no
# memory error and no definite leak from mod_rootcauses, and no answer was a 5xx.
step_valgrind() {
    run "$logdir/valgrind.log" 900 /bin/bash "$RC_SRCDIR/tests/sanitize/valgrind.sh"
    if ((rc == 0)); then
        counts 1 0 0
    else
        note "valgrind: failed (exit status $rc; log: $logdir/valgrind.log, $logdir/valgrind/)"
        counts 0 1 0
    fi
}

# stress: tests/stress/run.sh for 10 s in check mode (64 connections, 100k items, the data file
# rewritten every second): one pass when there was no 5xx, no socket error and no crash.
step_stress() {
    run "$logdir/stress.log" 600 env STRESS_SECONDS="${RC_STRESS_CHECK_SECONDS:-10}" \
        /bin/bash "$RC_SRCDIR/tests/stress/run.sh" --check
    if ((rc == 0)); then
        counts 1 0 0
    else
        note "stress: failed (exit status $rc; log: $logdir/stress.log)"
        counts 0 1 0
    fi
}

# fuzz: the libFuzzer harnesses of tests/fuzz/ (clang and libclang-rt-14-dev), built with
# `make fuzz-build`, run over their regression inputs and then for FUZZ_CHECK_SECONDS (20) each,
# all at once (tests/fuzz/run-fuzz.sh check); one pass or fail per harness. Longer runs: make fuzz.
step_fuzz() {
    local names=(query data route image) blog=$logdir/fuzz-build.log log=$logdir/fuzz.log
    local passed=0 failed=0 line
    if ! command -v "${FUZZ_CC:-clang}" >/dev/null; then
        note "fuzz: ${FUZZ_CC:-clang} not found: install the Debian packages clang and libclang-rt-14-dev (./bootstrap installs them)"
        counts 0 ${#names[@]} 0
        return
    fi
    if ! timeout 900 "${MAKE:-make}" -C "$RC_BUILDDIR" --no-print-directory fuzz-build >"$blog" 2>&1; then
        tail -n 20 "$blog"
        grep -q 'install the Debian package' "$blog" ||
            note "fuzz: make fuzz-build failed (is libclang-rt-14-dev installed? ./bootstrap installs it)"
        note "fuzz: build log: $blog"
        counts 0 ${#names[@]} 0
        return
    fi
    run "$log" 300 env FUZZ_BIN_DIR="$RC_BUILDDIR/tests/fuzz" FUZZ_SRC_DIR="$RC_SRCDIR/tests/fuzz" \
        /bin/bash "$RC_SRCDIR/tests/fuzz/run-fuzz.sh" check "${FUZZ_CHECK_SECONDS:-20}" "${names[@]}"
    while IFS= read -r line; do
        case $line in
            "fuzz: "*" passed"*) passed=$((passed + 1)) ;;
            "fuzz: "*" FAILED"*) failed=$((failed + 1)) ;;
        esac
    done <"$log"
    if ((passed + failed < ${#names[@]})); then
        note "fuzz: only $((passed + failed)) of ${#names[@]} harnesses reported (exit status $rc)"
        failed=$((${#names[@]} - passed))
    elif ((rc != 0 && failed == 0)); then
        note "fuzz: exit status $rc although every harness passed"
        failed=1
    fi
    counts $passed $failed 0
}

ALL_STEPS=("${STEPS[@]}")
if (($# > 0)); then
    STEPS=("$@")
fi

total_pass=0 total_fail=0 total_skip=0
report=()
for step in "${STEPS[@]}"; do
    if ! declare -F "step_$step" >/dev/null; then
        note "unknown step '$step' (steps: ${ALL_STEPS[*]})"
        total_fail=$((total_fail + 1))
        continue
    fi
    note "=== $step"
    rc=0
    counts 0 0 0
    "step_$step"
    report+=("$(printf '%-12s passed %d, failed %d, skipped %d' "$step" "$s_pass" "$s_fail" "$s_skip")")
    total_pass=$((total_pass + s_pass))
    total_fail=$((total_fail + s_fail))
    total_skip=$((total_skip + s_skip))
done

note "=== summary"
for line in "${report[@]}"; do
    note "$line"
done
if ((total_skip > 0)); then
    echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
    echo "$total_pass passed, $total_fail failed"
fi
((total_fail == 0))
