#!/usr/bin/env bash
# The main demo: installs missing packages, builds build/ and runs
# build/bin/monocoque-demo (arguments are passed through): every socket
# pattern against in-process libzmq peers, exit code 0 when all passed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=${MONOCOQUE_JOBS:-2}
bash scripts/install-deps.sh
# Same settings as scripts/test.sh, so both share build/ without rebuilding.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMONOCOQUE_WERROR=ON
targets=$(cmake --build build --target help)
if grep -qw 'monocoque-demo' <<<"$targets"; then
  cmake --build build -j"$jobs" --target monocoque-demo
fi
if [[ ! -x build/bin/monocoque-demo ]]; then
  echo "demo.sh: error: build/bin/monocoque-demo does not exist:" \
       "no CMake target monocoque-demo (examples/ missing?)" >&2
  exit 1
fi
echo "=== running build/bin/monocoque-demo $*"
exec build/bin/monocoque-demo "$@"
