#!/usr/bin/env bash
# Leak check for XMLSecurity: runs verify / decrypt / sign / parse (valid and every failure
# path) under valgrind twice, with few and with many rounds. It fails when valgrind reports a
# definite or indirect leak, or when the memory still in use at exit grows with the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH_PATH:-.build}
swift build --scratch-path "$scratch" --product xmlsecurity-leak-check >/dev/null
binary="$scratch/debug/xmlsecurity-leak-check"

measure() {
    valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
        "$binary" "$1" 2>&1 | tee "/tmp/gatehouse-leak-$1.log" | grep -E "in use at exit|definitely lost|indirectly lost" || true
}

echo "leak-check: 4 rounds"
small=$(measure 4)
echo "$small"
echo "leak-check: 16 rounds"
large=$(measure 16)
echo "$large"
for report in "$small" "$large"; do
    grep -q "definitely lost: 0 bytes" <<<"$report" || { echo "leak-check: FAILED (definite leak)"; exit 1; }
    grep -q "indirectly lost: 0 bytes" <<<"$report" || { echo "leak-check: FAILED (indirect leak)"; exit 1; }
done
in_use() { grep -o "in use at exit: [0-9,]* bytes" <<<"$1" | tr -dc 0-9; }
if [ "$(in_use "$small")" != "$(in_use "$large")" ]; then
    echo "leak-check: FAILED (memory in use at exit grows with rounds: $(in_use "$small") -> $(in_use "$large"))"
    exit 1
fi
echo "leak-check: no leak (in use at exit is the same after 4 and 16 rounds)"
