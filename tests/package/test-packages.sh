#!/usr/bin/env bash
# Checks the Debian package as a user would get it: unpacks
# BUILD/mongoway_<version>_<arch>.deb into a scratch root with `dpkg -x`, runs
# the installed `mongoway --version`, reads the man page, and builds a small
# program against the installed library with pkg-config.
#
# Usage: tests/package/test-deb.sh [--build] [BUILD_DIR]    (default: build)
#   --build   first run `cmake --build BUILD_DIR --target package`
set -euo pipefail

build_first=false
if [[ ${1-} == --build ]]; then
    build_first=true
    shift
fi
build=${1:-build}

passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@" >"$scratch/check.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok: $what"
    else
        failed=$((failed + 1))
        echo "FAILED: $what"
        sed 's/^/    /' "$scratch/check.log"
    fi
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mongoway-deb-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

if $build_first; then
    cmake --build "$build" --target package >"$scratch/package.log" 2>&1 || {
        cat "$scratch/package.log"
        echo "test-deb: building the package failed"
        exit 1
    }
fi

shopt -s nullglob
debs=("$build"/mongoway_*_*.deb)
if ((${#debs[@]} != 1)); then
    echo "test-deb: expected exactly one $build/mongoway_<version>_<arch>.deb, found ${#debs[@]} (run make package)"
    exit 1
fi
deb=${debs[0]}
root=$scratch/root
echo "test-deb: $deb"

field() { dpkg-deb --field "$deb" "$1"; }
version=$(field Version)
arch=$(field Architecture)

check "file name is mongoway_<version>_<arch>.deb" test "$(basename "$deb")" = "mongoway_${version}_${arch}.deb"
check "architecture is this machine's" test "$arch" = "$(dpkg --print-architecture)"
depends_on() { field Depends | tr ',' '\n' | grep -q "^ *$1 "; }
for library in libmongoc-1.0-0 libbson-1.0-0 libfmt9 libssl3; do
    check "Depends names $library" depends_on "$library"
done
check "has a section and a description" sh -c "test -n \"\$(dpkg-deb --field '$deb' Section)\" && dpkg-deb --field '$deb' Description | grep -q mongoway"

check "unpacks with dpkg -x" dpkg -x "$deb" "$root"
installed_version() { "$root/usr/bin/mongoway" --version | grep -q "^mongoway $version (.*mongo-c-driver [0-9]"; }
check "installed mongoway --version names version, revision and driver" installed_version
check "installed mongoway --help works" "$root/usr/bin/mongoway" --help

man_page=$root/usr/share/man/man1/mongoway.1.gz
check "man page is at share/man/man1/mongoway.1.gz" test -s "$man_page"
check "man page is gzip" gzip -t "$man_page"
if command -v groff >/dev/null; then
    man_clean() { zcat "$man_page" | groff -ww -man -z 2>&1 | { ! grep .; }; }
    check "man page renders without warnings" man_clean
fi
check "bash completion installed" test -s "$root/usr/share/bash-completion/completions/mongoway"
check "zsh completion installed" test -s "$root/usr/share/zsh/site-functions/_mongoway"
check "public headers installed" test -s "$root/usr/include/mongoway/migrator.hpp"

multiarch=$(gcc -print-multiarch 2>/dev/null || true)
if [[ -n $multiarch ]]; then
    libdir=$root/usr/lib/$multiarch
    check "static libraries installed in usr/lib/$multiarch" \
        test -s "$libdir/libmongoway_engine.a" -a -s "$libdir/libmongoway_core.a"
    check "nothing installed directly in usr/lib" sh -c "! find '$root/usr/lib' -maxdepth 1 -type f | grep -q ."
fi
pc_files=()
for pc in "$root"/usr/lib/pkgconfig/mongoway.pc "$root"/usr/lib/*/pkgconfig/mongoway.pc; do
    [[ -f $pc ]] && pc_files+=("$pc")
done
check "pkg-config file installed" test ${#pc_files[@]} -ge 1
if ((${#pc_files[@]} >= 1)) && command -v pkg-config >/dev/null && command -v g++ >/dev/null; then
    pc_dir=$(dirname "${pc_files[0]}")
    cat >"$scratch/app.cpp" <<'CPP'
#include <mongoway/migrator.hpp>
#include <iostream>
int main() {
  mongoway::Config config;
  config.database = "app";
  std::cout << mongoway::version() << "\n";
  return config.history_collection == "mongoway_history" ? 0 : 1;
}
CPP
    # A library built with sanitizers (make test-asan) needs them at link time too.
    sanitize=
    if grep -qx 'MONGOWAY_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
        sanitize=-fsanitize=address,undefined
    fi
    link_app() {
        # Run as a `check` condition, where set -e does not apply: hence the &&.
        local cflags libs first
        cflags=$(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags mongoway) &&
            libs=$(PKG_CONFIG_PATH=$pc_dir pkg-config --libs mongoway) &&
            first=${cflags%% *} &&
            test -f "${first#-I}/mongoway/migrator.hpp" && # found relative to the .pc file
            g++ -std=c++20 $sanitize "$scratch/app.cpp" -o "$scratch/app" $cflags $libs &&
            test "$("$scratch/app")" = "$version"
    }
    check "an application builds and links against the installed library with pkg-config" link_app
else
    echo "skipped: building against the library (pkg-config or g++ missing)"
fi

echo "test-deb: $passed passed, $failed failed"
((failed == 0))
