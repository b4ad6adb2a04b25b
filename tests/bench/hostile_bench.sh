#!/usr/bin/env bash
# echo-server under abuse at full size (issue 6): tests/it/it_hostile_server.sh
# with 10,000 idle connections (1,000 in fork mode) instead of 2,000. Prints
# how long a normal client waited for its echo during each abuse, and the
# server's descriptors and peak memory.
set -u
cd "$(dirname "$0")/../.." || exit 1
IDLE_CONNS=${IDLE_CONNS:-10000} bash tests/it/it_hostile_server.sh 2>&1 | grep -v '^received from'
exit "${PIPESTATUS[0]}"
