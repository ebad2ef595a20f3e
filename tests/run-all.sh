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

STEPS=(unit unit_asan integration)

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
    local dir=$RC_SRCDIR/tests/integration log=$logdir/integration.log summary n kind
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
