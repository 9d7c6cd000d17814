#!/usr/bin/env bash
# check-floors.sh ROOT
# The source tree has three floors and includes go only down:
#   actors/ -> libcaf_monocoque/ -> protocol/
# Fails (exit 1, one line per offending include) when
#   - a file under protocol/ includes a header that exists under
#     libcaf_monocoque/ or actors/;
#   - a file under libcaf_monocoque/ includes a header that exists only
#     under actors/ (not in its own floor, not in protocol/);
#   - a public header (libcaf_monocoque/caf/, actors/caf/, protocol/include/,
#     outside any internal/ folder) includes a header of an internal/ folder
#     (internal/ is not installed, so an installed header must not need it).
# Include paths are compared against the files that exist in each floor
# (`#include "a/b.hpp"` is looked up relative to the including file's folder,
# then to each floor's include root: protocol/include/, libcaf_monocoque/,
# actors/), so a new header is covered without editing this script. Lines
# that are comments are ignored; nothing is allow-listed. See
# docs/architecture.md, "Where to find what".
set -euo pipefail

if (($# != 1)) || [[ ! -d "$1/protocol" || ! -d "$1/libcaf_monocoque" \
      || ! -d "$1/actors" ]]; then
  echo "usage: $0 ROOT (the source tree: protocol/, libcaf_monocoque/," \
       "actors/)" >&2
  exit 2
fi
root=$(cd "$1" && pwd)

# The include root of each floor: the folder `#include` paths start from.
protocol_root=protocol/include
module_root=libcaf_monocoque
actors_root=actors

declare -A rank=([protocol]=0 [module]=1 [actors]=2)
declare -A floor_root=([protocol]=$protocol_root [module]=$module_root
                       [actors]=$actors_root)
declare -A search_order=([protocol]="protocol module actors"
                         [module]="module protocol actors"
                         [actors]="actors module protocol")

# Sets `hit_floor` and `hit_file` to the floor ("protocol", "module",
# "actors") and the file of the tree that `#include PATH` in FILE names:
# relative to FILE's folder first (as the preprocessor does for "..."), then
# each floor's include root, FILE's own floor first. Both stay empty for
# headers outside the tree (the standard library, CAF, liburing, ...).
resolve() { # FILE PATH OWN_FLOOR
  local file=$1 path=$2 own=$3 floor r
  hit_floor='' hit_file=''
  if [[ -f "$root/${file%/*}/$path" ]]; then
    r=$(realpath -m --relative-to="$root" "$root/${file%/*}/$path")
    case $r in
      protocol/*) hit_floor=protocol ;;
      libcaf_monocoque/*) hit_floor=module ;;
      actors/*) hit_floor=actors ;;
    esac
    [[ -z $hit_floor ]] || { hit_file=$r; return; }
  fi
  for floor in ${search_order[$own]}; do
    r=${floor_root[$floor]}/$path
    if [[ -f "$root/$r" ]]; then
      hit_floor=$floor hit_file=$r
      return
    fi
  done
}

is_public_header() { # FILE: an installed header (not under internal/)
  local f=$1
  [[ $f == *.hpp || $f == *.h ]] || return 1
  [[ $f == */internal/* ]] && return 1
  [[ $f == protocol/include/* || $f == libcaf_monocoque/caf/* \
     || $f == actors/caf/* ]]
}

offenders=()
nfiles=0
include_re='^([^:]+):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"]'
check_floor() { # DIR FLOOR
  local dir=$1 own=$2 out file line path msg
  nfiles=$((nfiles + $(cd "$root" && find "$dir" -type f \( -name '*.hpp' \
    -o -name '*.h' -o -name '*.hh' -o -name '*.ipp' -o -name '*.tpp' \
    -o -name '*.cpp' -o -name '*.cc' -o -name '*.cxx' \) | wc -l)))
  out=$(cd "$root" && grep -rnHE --include='*.hpp' --include='*.h' \
          --include='*.hh' --include='*.ipp' --include='*.tpp' \
          --include='*.cpp' --include='*.cc' --include='*.cxx' \
          '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$dir" \
        | LC_ALL=C sort -t: -k1,1 -k2,2n || true)
  while IFS= read -r x; do
    [[ $x =~ $include_re ]] || continue
    file=${BASH_REMATCH[1]} line=${BASH_REMATCH[2]} path=${BASH_REMATCH[3]}
    resolve "$file" "$path" "$own"
    [[ -n $hit_floor ]] || continue
    if ((${rank[$hit_floor]} > ${rank[$own]})); then
      msg="$file:$line: includes $path ($hit_file), a higher floor"
      msg+=" ($hit_floor above $own; includes go actors/ ->"
      msg+=" libcaf_monocoque/ -> protocol/)"
      offenders+=("$msg")
    fi
    if is_public_header "$file" && [[ $hit_file == */internal/* ]]; then
      msg="$file:$line: public header includes $path ($hit_file);"
      msg+=" internal/ is not installed: only sources and internal/"
      msg+=" headers may include it"
      offenders+=("$msg")
    fi
  done <<< "$out"
}

check_floor protocol protocol
check_floor libcaf_monocoque module
check_floor actors actors

if ((${#offenders[@]} > 0)); then
  echo "floors: FAILED: ${#offenders[@]} include(s) break the floors:"
  printf '%s\n' "${offenders[@]}"
  exit 1
fi
echo "floors: OK ($nfiles files: protocol/ includes only itself," \
     "libcaf_monocoque/ nothing of actors/, no public header includes" \
     "internal/)"
