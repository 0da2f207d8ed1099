#!/usr/bin/env bash
# Checks the packages of `make package` as a user would get them.
#
# The Debian package, BUILD/mongoway_<version>-<revision>_<arch>.deb: lintian
# finds no error or warning in it; the program in it is hardened (PIE, RELRO,
# BIND_NOW, stack protector, _FORTIFY_SOURCE: dpkg-buildflags); it holds the
# copyright file and the Debian changelog; unpacked into a scratch root with
# `dpkg -x`, the installed `mongoway --version` runs, the man page reads, and a
# small program builds against the installed library with pkg-config.
# The RPM, BUILD/mongoway-<version>-<release>.<arch>.rpm: the same version and
# files (`rpm -qpl`), and it requires the driver's libraries (`rpm -qpR`).
#
# lintian and rpm come from `scripts/install-deps --package` (make test and
# make package run it).
#
# Usage: tests/package/test-packages.sh [--build] [BUILD_DIR]    (default: build)
#   --build   first remove the old packages and run `cmake --build BUILD_DIR --target package`
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

for tool in lintian rpm; do
    command -v "$tool" >/dev/null || {
        echo "test-packages: $tool is not installed (scripts/install-deps --no-ferretdb --package installs it)"
        exit 1
    }
done

shopt -s nullglob
if $build_first; then
    rm -f -- "$build"/mongoway_*.deb "$build"/mongoway-*.rpm
    cmake --build "$build" --target package >"$scratch/package.log" 2>&1 || {
        cat "$scratch/package.log"
        echo "test-packages: building the packages failed"
        exit 1
    }
fi

debs=("$build"/mongoway_*_*.deb)
rpms=("$build"/mongoway-*.rpm)
if ((${#debs[@]} != 1 || ${#rpms[@]} != 1)); then
    echo "test-packages: expected exactly one $build/mongoway_<version>-<revision>_<arch>.deb and one" \
        "$build/mongoway-<version>-<release>.<arch>.rpm, found ${#debs[@]} and ${#rpms[@]} (run make package)"
    exit 1
fi
deb=${debs[0]}
rpm=${rpms[0]}
root=$scratch/root
echo "test-packages: $deb"
echo "test-packages: $rpm"

field() { dpkg-deb --field "$deb" "$1"; }
version=$(field Version) # <upstream version>-<Debian revision>
upstream_version=${version%-*}
arch=$(field Architecture)

check "file name is mongoway_<version>-<revision>_<arch>.deb" test "$(basename "$deb")" = "mongoway_${version}_${arch}.deb"
check "the version has a Debian revision" test "$upstream_version" != "$version"
check "architecture is this machine's" test "$arch" = "$(dpkg --print-architecture)"
depends_on() { field Depends | tr ',' '\n' | grep -q "^ *$1 "; }
for library in libmongoc-1.0-0 libbson-1.0-0 libfmt9 libssl3; do
    check "Depends names $library" depends_on "$library"
done
check "has a section and a description" sh -c "test -n \"\$(dpkg-deb --field '$deb' Section)\" && dpkg-deb --field '$deb' Description | grep -q mongoway"

check "unpacks with dpkg -x" dpkg -x "$deb" "$root"
installed_version() { "$root/usr/bin/mongoway" --version | grep -q "^mongoway $upstream_version (.*mongo-c-driver [0-9]"; }
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
            test "$("$scratch/app")" = "$upstream_version"
    }
    check "an application builds and links against the installed library with pkg-config" link_app
else
    echo "skipped: building against the library (pkg-config or g++ missing)"
fi

# ---------------------------------------------------------------- Debian's policy

doc=$root/usr/share/doc/mongoway
check "copyright file at usr/share/doc/mongoway/copyright" grep -q '^Files: \*' "$doc/copyright"
changelog_matches() {
    # The newest entry is this version's, signed by the package's maintainer.
    local top signer
    top=$(zcat "$doc/changelog.Debian.gz" | head -n 1) &&
        signer=$(zcat "$doc/changelog.Debian.gz" | sed -n 's/^ -- \(.*>\)  .*/\1/p' | head -n 1) &&
        test "$top" = "mongoway ($version) unstable; urgency=medium" &&
        test "$signer" = "$(field Maintainer)"
}
check "changelog.Debian.gz's newest entry is version $version, by the maintainer" changelog_matches
lintian_clean() {
    # --fail-on error,warning sets the exit status; on a failure, every tag is shown.
    lintian --fail-on error,warning --display-info --tag-display-limit 0 "$deb"
}
check "lintian finds no error or warning" lintian_clean

# The program as built with dpkg-buildflags' hardening flags
# (packaging/buildflags.cmake), but in a Debug or sanitizer build (make test-asan).
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null; }
program=$root/usr/bin/mongoway
if [[ $(cache_value CMAKE_BUILD_TYPE) != Debug && $(cache_value MONGOWAY_SANITIZE) != ON ]]; then
    check "hardened: position-independent executable (PIE)" \
        sh -c "readelf -h '$program' | grep -q 'Type: *DYN' && readelf -d '$program' | grep -q 'FLAGS_1.*PIE'"
    check "hardened: RELRO" sh -c "readelf -l '$program' | grep -q GNU_RELRO"
    check "hardened: BIND_NOW (-z now)" sh -c "readelf -d '$program' | grep -q -E 'BIND_NOW|FLAGS_1.* NOW'"
    check "hardened: stack protector" sh -c "readelf --dyn-syms -W '$program' | grep -q __stack_chk_fail"
    check "hardened: _FORTIFY_SOURCE (fortified libc functions)" \
        sh -c "readelf --dyn-syms -W '$program' | grep -v __stack_chk_fail | grep -q -E ' __[a-z_]+_chk(@|$)'"
    if command -v hardening-check >/dev/null; then
        check "hardening-check passes" hardening-check "$program"
    fi
else
    echo "skipped: the hardening checks (a Debug or sanitizer build goes without dpkg-buildflags)"
fi

# ---------------------------------------------------------------- the RPM

check "RPM: file name is mongoway-<version>-<release>.<arch>.rpm" \
    test "$(basename "$rpm")" = "$(rpm -qp --qf 'mongoway-%{VERSION}-%{RELEASE}.%{ARCH}.rpm' "$rpm" 2>/dev/null)"
check "RPM: version and release are the Debian package's" \
    test "$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "$rpm" 2>/dev/null)" = "$version"
same_files() {
    # The Debian package's files but its Debian-only ones (copyright, changelog, lintian overrides).
    diff <(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print substr($6, 2)}' |
        grep -v -E '^/usr/share/(doc|lintian)/' | sort) \
        <(rpm -qpl "$rpm" 2>/dev/null | while read -r f; do [[ -d $root$f ]] || echo "$f"; done | sort)
}
check "RPM: rpm -qpl lists the Debian package's files" same_files
requires() { rpm -qpR "$rpm" 2>/dev/null | grep -q "^$1"; }
for library in libmongoc-1.0.so.0 libbson-1.0.so.0 libfmt.so.9 libcrypto.so.3; do
    check "RPM: rpm -qpR lists $library" requires "$library"
done

echo "test-packages: $passed passed, $failed failed"
((failed == 0))
