#!/usr/bin/env bash
# The wire's relay (issue 14), as root and as nobody (user namespace):
#  1. --delay 100: a TCP connect between the hosts takes one round trip,
#     2 x 100 ms within 15%; the relay's per-frame log says the same.
#  2. --seed N --loss 20: exactly the datagrams the model loses for that
#     seed are lost (the model's prediction, the relay's log and what the
#     server got agree); the same seed again, the same losses; another
#     seed, other losses.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
users=$(wire_users)

# the server (tcp_server.py) and the client's wirenet.py: wire_helpers.sh
wire_tcp_scripts
# the client: waits for the server, connects once (ARP is resolved), then
# measures three connects: the shortest, in ms
cat >"$WIRE_PY/tcp_client.py" <<'PY'
import sys
from wirenet import wait_ready, connect_s
wait_ready(sys.argv[1])
connect_s()
print("connect_ms %.1f" % (min(connect_s() for _ in range(3)) * 1000))
PY
# UDP: the server records the numbers it gets until the last one (100)
cat >"$TMP/udp_server.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.77.0.2", 9001))
open(sys.argv[1], "w").close()
got = []
while True:
    n = int(s.recv(100))
    got.append(n)
    if n == 100:
        break
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(" ".join(map(str, got)) + "\n")
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
PY
cat >"$TMP/udp_client.py" <<'PY'
import os, socket, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(1, 101):
    s.sendto(b"%d" % n, ("10.77.0.2", 9001)); time.sleep(0.002)
# done when the server has written what it got (the lab then ends both)
for _ in range(1000):
    if os.path.exists(sys.argv[2]):
        sys.exit(0)
    time.sleep(0.01)
sys.exit("udp_client: the server never got datagram 100")
PY
chmod 644 "$TMP"/*.py "$WIRE_PY"/*.py

for user in $users; do
	echo "== as $user"
	dir=$TMP/$user
	# ---- 1. delay
	as "$user" "$WIRE_LAB" --delay 100 --log "$dir/delay.log" -- python3 "$WIRE_PY/tcp_server.py" "$dir/ready" \
		+ python3 "$WIRE_PY/tcp_client.py" "$dir/ready" >"$TMP/delay-$user.out" 2>"$TMP/delay-$user.err" ||
		fail "$user: wire_lab --delay 100 failed"
	grep -q "userns $([ "$user" = root ] && echo 0 || echo 1)" "$TMP/delay-$user.out" || fail "$user: wrong namespace kind"
	ms=$(awk '/^connect_ms/ {print $2}' "$TMP/delay-$user.out")
	echo "$user: connect() took $ms ms (one round trip over a 100 ms wire)"
	awk -v m="$ms" 'BEGIN { exit !(m >= 170 && m <= 230) }' || fail "$user: connect took $ms ms, not 200 +- 15%"
	# every frame the relay sent on was held 100 ms (+- 15%)
	awk '$4 == "sent" && ($5 < 85000 || $5 > 115000) { bad++ } $4 == "sent" { n++ }
	     END { exit !(n >= 8 && !bad) }' "$dir/delay.log" || fail "$user: relay delays off: $(head "$dir/delay.log")"

	# ---- 2. seeded losses: seeds whose first frame each way (ARP) and
	# whose last datagram (frame 100 to the server) arrive
	seeds=()
	for s in $(seq 1 200); do
		pred=$("$WIRE_LAB" --seed "$s" --loss 20 --predict 101)
		grep -qE '^[<>] 0( |$)' <<<"$pred" && continue
		grep -qE '^>.* 100( |$)' <<<"$pred" && continue
		seeds+=("$s")
		[ ${#seeds[@]} = 2 ] && break
	done
	[ ${#seeds[@]} = 2 ] || fail "no usable seeds"
	for run in a b c; do
		seed=${seeds[0]}
		[ $run = c ] && seed=${seeds[1]}
		as "$user" "$WIRE_LAB" --seed "$seed" --loss 20 --log "$dir/loss-$run.log" -- \
			python3 "$TMP/udp_server.py" "$dir/ready-$run" "$dir/got-$run" \
			+ python3 "$TMP/udp_client.py" "$dir/ready-$run" "$dir/got-$run" >"$TMP/loss-$user-$run.out" 2>"$TMP/loss-$user-$run.err" ||
			fail "$user: wire_lab --loss 20 run $run failed"
		# datagram k is frame k to the server (frame 0 is the ARP request)
		predicted=$("$WIRE_LAB" --seed "$seed" --loss 20 --predict 101 | awk '/^>/ { $1 = ""; print }' | xargs)
		missing=$(python3 -c 'import sys; got = set(map(int, open(sys.argv[1]).read().split()));
print(" ".join(str(k) for k in range(1, 101) if k not in got))' "$dir/got-$run")
		logged=$(awk '$1 == ">" && $4 == "lost" { printf "%s ", $2 }' "$dir/loss-$run.log" | xargs)
		echo "$user run $run seed $seed: lost datagrams: $missing"
		[ "$missing" = "$predicted" ] || fail "$user: seed $seed lost '$missing', the model says '$predicted'"
		[ "$logged" = "$predicted" ] || fail "$user: the relay logged '$logged' lost, the model says '$predicted'"
		grep -q "lost $(wc -w <<<"$predicted") 0 " "$TMP/loss-$user-$run.out" ||
			fail "$user: the relay's counter: $(grep relay: "$TMP/loss-$user-$run.out")"
		eval "missing_$run=\$missing"
	done
	# shellcheck disable=SC2154 # set by the eval above
	{ [ "$missing_a" = "$missing_b" ] && [ "$missing_a" != "$missing_c" ]; } ||
		fail "$user: same seed '$missing_a' / '$missing_b', other seed '$missing_c'"
done
echo "PASS: the wire's delay and seeded losses, as: $users"
