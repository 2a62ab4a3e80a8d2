#!/usr/bin/env bash
# Leak check for the GEOS wrapper: a long release run watching RSS, then a short run under
# valgrind that must report no definitely/indirectly lost bytes.
#   tools/leakcheck.sh [iterations=100000] [valgrind iterations=300]   (SKIP_VALGRIND=1 to skip)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
iterations="${1:-100000}"
valgrind_iterations="${2:-300}"

swift build -c release --product geos-leakcheck
.build/release/geos-leakcheck "$iterations"

if [ "${SKIP_VALGRIND:-0}" != 1 ] && command -v valgrind >/dev/null 2>&1; then
    # Only leaks we could cause count as errors; the Swift runtime keeps metadata caches alive
    # until exit ("still reachable"/"possibly lost"), which is not a leak in our code. The RSS
    # allowance is lifted here: valgrind's shadow memory and freed-block queue grow RSS on their own.
    valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --error-exitcode=1 \
        .build/release/geos-leakcheck "$valgrind_iterations" 1000000
fi
