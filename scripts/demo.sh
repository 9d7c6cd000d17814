#!/usr/bin/env bash
# The main demo: installs missing packages, builds build/ and runs
# build/bin/dealer-demo (arguments are passed through).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=${MONOCOQUE_JOBS:-2}
bash scripts/install-deps.sh
# Same settings as scripts/test.sh, so both share build/ without rebuilding.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMONOCOQUE_WERROR=ON
targets=$(cmake --build build --target help)
if grep -qw 'dealer-demo' <<<"$targets"; then
  cmake --build build -j"$jobs" --target dealer-demo
fi
if [[ ! -x build/bin/dealer-demo ]]; then
  echo "demo.sh: error: build/bin/dealer-demo does not exist:" \
       "no CMake target dealer-demo (examples/ missing?)" >&2
  exit 1
fi
echo "=== running build/bin/dealer-demo $*"
exec build/bin/dealer-demo "$@"
