#!/bin/bash
# tests/dist/check-dist.sh SRCDIR DISTDIR: every file that git tracks in SRCDIR is in DISTDIR (a
# tree made by `make distdir`), so that the tarball builds and runs every test. Prints what is
# missing and exits 1; exits 77 when SRCDIR is no git checkout or git is missing (a tarball has
# nothing to compare with). Run by make distcheck (distcheck-hook) and by the dist step of make
# check-full. Files that are deliberately not shipped are listed in NOT_SHIPPED.
set -uo pipefail

NOT_SHIPPED=(
    .gitignore # git's own, in any folder
)

srcdir=${1:?usage: check-dist.sh SRCDIR DISTDIR}
distdir=${2:?usage: check-dist.sh SRCDIR DISTDIR}
git=${RC_GIT:-$(command -v git)}

if [[ -z $git || ! -x $git ]]; then
    echo "check-dist: git not found (Debian package git): cannot list what the tarball must hold"
    exit 77
fi
if ! files=$("$git" -C "$srcdir" ls-files 2>/dev/null) || [[ -z $files ]]; then
    echo "check-dist: $srcdir is no git checkout: nothing to compare the tarball with"
    exit 77
fi
if [[ ! -d $distdir ]]; then
    echo "check-dist: no $distdir (make distdir makes it)"
    exit 1
fi

missing=()
while IFS= read -r f; do
    skip=0
    for n in "${NOT_SHIPPED[@]}"; do
        [[ $f == "$n" || $f == */"$n" ]] && skip=1
    done
    ((skip)) || [[ -e $distdir/$f ]] || missing+=("$f")
done <<<"$files"

total=$(wc -l <<<"$files")
if ((${#missing[@]})); then
    echo "check-dist: ${#missing[@]} of $total files that git tracks are not in the tarball" \
        "(add them to EXTRA_DIST in Makefile.am):"
    printf '  %s\n' "${missing[@]}"
    exit 1
fi
echo "check-dist: the tarball holds all $total files that git tracks (but ${NOT_SHIPPED[*]})"
