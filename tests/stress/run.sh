#!/bin/bash
# tests/stress/run.sh [--check]: make stress (STRESS_SECONDS=60) and the stress step of make
# check (--check, 10 s). wrk with 64 connections over a URL mix on a 100k-item data set that
# tests/stress/rewrite.py rewrites every second, valid and invalid versions in turn; prints
# requests/s, the count of each status, socket errors and the RSS of httpd's children (see
# stress.py). With --check the exit status is 1 on any 5xx, socket error or crash.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export RC_SRCDIR=${RC_SRCDIR:-$(cd "$here/../.." && pwd)}
export RC_BUILDDIR=${RC_BUILDDIR:-$PWD}
export RC_MODULE=${RC_MODULE:-$RC_BUILDDIR/mod_rootcauses/.libs/mod_rootcauses.so}
export RC_HTTPD=${RC_HTTPD:-$(command -v apache2 || command -v httpd || echo /usr/sbin/apache2)}
export RC_HTTPD_MODULES=${RC_HTTPD_MODULES:-/usr/lib/apache2/modules}
export STRESS_SECONDS=${STRESS_SECONDS:-60}
exec timeout --kill-after=10 $((STRESS_SECONDS + 900)) "${RC_PYTHON:-/usr/bin/python3}" "$here/stress.py" "$@"
