#!/usr/bin/env bash
# check-protocol-purity.sh DIR
# protocol/ is sans-IO and links only the standard library: it must not
# include CAF, spdlog/fmt, socket/POSIX/Linux headers, liburing or threading
# headers, and must not read clocks or print. <atomic> is allowed (refcounts)
# and so is <chrono> (durations/time points passed in by the caller), and
# libsodium (<sodium.h>, PkgConfig::SODIUM): CURVE's cryptography.
# Lines that are pure comments are ignored. CMakeLists.txt files are checked
# for links to non-standard libraries. Exit 1 and print offenders on failure.
set -euo pipefail

if (($# != 1)) || [[ ! -d "$1" ]]; then
  echo "usage: $0 DIR (an existing directory)" >&2
  exit 2
fi
dir=$1

include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'
forbidden_includes=(
  'caf/' 'spdlog/' 'fmt/' 'sys/' 'netinet/' 'arpa/' 'linux/' 'liburing'
  'unistd\.h' 'pthread\.h' 'poll\.h' 'fcntl\.h' 'netdb\.h' 'signal\.h'
  'thread>' 'mutex>' 'shared_mutex>' 'condition_variable>' 'future>'
  'semaphore' 'iostream>'
)
forbidden_words=(
  'steady_clock' 'system_clock' 'high_resolution_clock' 'std::this_thread'
  'std::cout' 'std::cerr' 'std::clog' '\bf?printf\b' '\bputs\b'
)
cmake_forbidden='CAF::|spdlog|fmt::|PkgConfig::|Threads::|\b(lib)?uring\b|\b(lib)?zmq\b|\bcaf_'

inc_alt=$(IFS='|'; echo "${forbidden_includes[*]}")
word_alt=$(IFS='|'; echo "${forbidden_words[*]}")
comment_re='^[^:]+:[0-9]+:[[:space:]]*(//|/\*|\*)'
cmake_comment_re='^[^:]+:[0-9]+:[[:space:]]*#'

sources=(--include='*.hpp' --include='*.h' --include='*.hh' --include='*.ipp'
         --include='*.tpp' --include='*.cpp' --include='*.cc' --include='*.cxx')

offenders=$(
  {
    {
      grep -rnHE "${sources[@]}" "${include_re}(${inc_alt})" "$dir" || true
      grep -rnHE "${sources[@]}" "(${word_alt})" "$dir" || true
    } | grep -vE "$comment_re" || true
    grep -rnHE --include='CMakeLists.txt' --include='*.cmake' \
         "$cmake_forbidden" "$dir" | grep -vE "$cmake_comment_re" \
      | grep -vE 'PkgConfig::SODIUM\b' || true
  } | sort -t: -k1,1 -k2,2n -u
)

if [[ -n "$offenders" ]]; then
  echo "protocol purity: FAILED: $dir must stay sans-IO (std library only):"
  echo "$offenders"
  exit 1
fi
nfiles=$(find "$dir" -type f \( -name '*.hpp' -o -name '*.h' -o -name '*.cpp' \
           -o -name '*.cc' -o -name '*.ipp' -o -name '*.tpp' \) | wc -l)
echo "protocol purity: OK ($nfiles files in $dir)"
