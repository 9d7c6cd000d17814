#!/usr/bin/env bash
# Package test (CTest: package_find_package): installs a build of
# caf-monocoque into a fresh prefix and uses it the way an outside project
# would.
#
#   package_test.sh <source-dir> <build-dir> <c++-compiler> \
#                   [<compile-flags> [<link-flags>]]
#
# 1. `cmake --install <build-dir> --prefix <tmp>/prefix`, checks the
#    installed files (every public header, no internal/ one) and that no
#    text file names the source or build tree;
# 2. <prefix>/bin/mqcat --help runs (and the perf tools built in <build-dir>
#    were installed);
# 3. configures tests/package/ (find_package(caf_monocoque 0.1 REQUIRED) with
#    CMAKE_PREFIX_PATH=<prefix> only), builds it and runs it: our dealer_actor
#    and a libzmq DEALER exchange a message;
# 4. compiles and links the same main.cpp with
#    `pkg-config --cflags --libs caf_monocoque libzmq` and runs it.
# For a shared install (BUILD_SHARED_LIBS=ON), also checks with ldd that the
# programs and mqcat load libcaf_monocoque.so from the prefix.
# <compile-flags>/<link-flags>: the sanitizer flags of the build (the
# library's objects need the sanitizer runtime in the outside program too).
# Each step prints its duration. Exit 0 only if everything worked.
set -euo pipefail

if (($# < 3)); then
  echo "usage: $0 <source-dir> <build-dir> <c++-compiler> [cxxflags [ldflags]]" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
cxx=$3
cxxflags=${4:-}
ldflags=${5:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/monocoque-package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

fail() {
  echo "package_test: FAILED: $*" >&2
  exit 1
}

step_start=0
step() {
  step_start=$(date +%s.%N)
  echo "== $*"
}
step_done() {
  local end
  end=$(date +%s.%N)
  awk -v a="$step_start" -v b="$end" 'BEGIN { printf "   done in %.1f s\n", b - a }'
}

# The outside programs have no built-in sanitizer defaults (cmake/
# sanitizer_defaults.cpp is linked only into our executables): same options.
if [[ "$cxxflags" == *sanitize=*undefined* ]]; then
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1:suppressions=$src/cmake/ubsan.supp"
fi
if [[ "$cxxflags" == *sanitize=*address* ]]; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
fi

# loads_from_prefix <program>: ldd resolves libcaf_monocoque.so* of <program>
# to the prefix's lib directory.
loads_from_prefix() {
  local path
  path=$(ldd "$1" | sed -n 's/.*libcaf_monocoque\.so[^ ]* => \([^ ]*\) .*/\1/p')
  if [[ -z "$path" || "$(dirname "$(realpath "$path")")" != "$libdir" ]]; then
    ldd "$1"
    fail "$1 does not load libcaf_monocoque.so from $libdir"
  fi
  echo "   $(basename "$1") loads $(realpath "$path")"
}

# -- 1. install ------------------------------------------------------------------
step "install $build into $prefix"
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; fail "cmake --install"; }
step_done

config=$(find "$prefix" -path '*/cmake/caf_monocoque/caf_monocoque-config.cmake')
[[ -n "$config" ]] || fail "no caf_monocoque-config.cmake under $prefix"
cmake_dir=$(dirname "$config")
libdir=$(realpath "$(dirname "$(dirname "$cmake_dir")")")
for f in "$cmake_dir/caf_monocoque-config-version.cmake" \
         "$cmake_dir/caf_monocoque-targets.cmake" \
         "$cmake_dir/FindCAF.cmake" \
         "$libdir/pkgconfig/caf_monocoque.pc" \
         "$libdir/libmonocoque_protocol.a" \
         "$prefix/include/caf/monocoque/all.hpp" \
         "$prefix/include/caf/monocoque/dealer_actor.hpp" \
         "$prefix/include/monocoque/zmtp/message.hpp" \
         "$prefix/bin/mqcat"; do
  [[ -e "$f" ]] || fail "not installed: ${f#"$prefix"/}"
done
shared=0
if [[ -e "$libdir/libcaf_monocoque.so" ]]; then
  shared=1
elif [[ ! -e "$libdir/libcaf_monocoque.a" ]]; then
  fail "neither libcaf_monocoque.a nor libcaf_monocoque.so in $libdir"
fi
# Every public header of the source tree is installed; no internal one is
# (internal/ directories are the implementation's, as in CAF).
public_headers=0
while IFS= read -r h; do
  [[ -e "$prefix/include/$h" ]] || fail "header not installed: $h"
  public_headers=$((public_headers + 1))
done < <(cd "$src/libcaf_monocoque" && find caf -name '*.hpp' -not -path '*/internal/*';
         cd "$src/actors" && find caf -name '*.hpp' -not -path '*/internal/*';
         cd "$src/protocol/include" && find monocoque -name '*.hpp' -not -path '*/internal/*')
((public_headers > 0)) || fail "no public headers found under $src"
internal=$(find "$prefix/include" -path '*/internal*')
[[ -z "$internal" ]] || fail "internal headers installed: $internal"
[[ -d "$src/libcaf_monocoque/caf/monocoque/internal" \
   && -d "$src/actors/caf/monocoque/internal" ]] \
  || fail "no internal/ directory in the source tree (the check above is void)"
# What is installed is exactly the public headers (nothing stale or extra).
installed_headers=$(find "$prefix/include" -name '*.hpp' | wc -l)
((installed_headers == public_headers)) \
  || fail "$installed_headers headers installed, $public_headers public ones"
# The perf tools that this build has are installed.
for tool in local_thr remote_thr local_lat remote_lat; do
  if [[ -x "$build/bin/$tool" && ! -x "$prefix/bin/$tool" ]]; then
    fail "perf tool not installed: bin/$tool"
  fi
done
# Nothing installed (text files: CMake package, .pc, headers) points back
# into the source or build tree.
if grep -rIl -e "$src" -e "$build" "$prefix"; then
  fail "installed files above reference $src or $build"
fi
echo "   $(find "$prefix" -type f | wc -l) files installed, shared=$shared"

# -- 2. mqcat ----------------------------------------------------------------------
step "$prefix/bin/mqcat --help"
timeout 30 "$prefix/bin/mqcat" --help > "$tmp/mqcat-help.txt" 2>&1 \
  || { cat "$tmp/mqcat-help.txt"; fail "mqcat --help"; }
grep -qi usage "$tmp/mqcat-help.txt" || fail "mqcat --help printed no usage"
if ((shared)); then
  loads_from_prefix "$prefix/bin/mqcat"
fi
step_done

# -- 3. find_package -----------------------------------------------------------------
step "configure tests/package with find_package(caf_monocoque 0.1)"
cmake -S "$src/tests/package" -B "$tmp/app" \
  -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$cxxflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  > "$tmp/app-configure.log" 2>&1 \
  || { cat "$tmp/app-configure.log"; fail "configure of the outside project"; }
found_dir=$(sed -n 's/^caf_monocoque_DIR:PATH=//p' "$tmp/app/CMakeCache.txt")
[[ "$found_dir" == "$cmake_dir" ]] \
  || fail "find_package found '$found_dir', not $cmake_dir"
step_done
step "build the outside project (one file)"
cmake --build "$tmp/app" > "$tmp/app-build.log" 2>&1 \
  || { cat "$tmp/app-build.log"; fail "build of the outside project"; }
step_done
step "run it against a libzmq peer"
if ((shared)); then
  loads_from_prefix "$tmp/app/app"
fi
timeout 60 "$tmp/app/app" || fail "find_package app exited with $?"
step_done

# -- 4. pkg-config -------------------------------------------------------------------
step "compile + link main.cpp with pkg-config caf_monocoque"
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pc_flags=$(pkg-config --cflags --libs caf_monocoque libzmq) \
  || fail "pkg-config --cflags --libs caf_monocoque libzmq"
echo "   pkg-config: $pc_flags"
# shellcheck disable=SC2086 # flags are word lists
"$cxx" -std=c++17 $cxxflags "$src/tests/package/main.cpp" -o "$tmp/app-pc" \
  $pc_flags $ldflags || fail "compile+link with pkg-config flags"
step_done
step "run the pkg-config build"
if ((shared)); then
  # pkg-config gives no rpath: the loader must be told where the prefix is.
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  loads_from_prefix "$tmp/app-pc"
fi
timeout 60 "$tmp/app-pc" || fail "pkg-config app exited with $?"
step_done

echo "package_test: ok (static=$((1 - shared)), shared=$shared)"
