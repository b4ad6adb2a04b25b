#!/usr/bin/env python3
"""wire_relay.py: a test tool, the smallest two-host wire with a delay.

  wire_relay.py IF_A IF_B DELAY_MS READY_FILE

Run inside a middle network namespace holding the veth ends IF_A and IF_B:
every frame that arrives on one is sent out of the other DELAY_MS later
(layer 2: ARP too). Writes READY_FILE once both sockets are bound, runs
until SIGTERM. The kernel's virtio-net header (PACKET_VNET_HDR) is passed
through, so frames whose checksum the sending veth left to offload (and
GSO super-segments) arrive intact. The lab's own relay is wire/ (issue 14);
this one only makes the two-point goldens and tests.
"""
import heapq
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_VNET_HDR = 15
PACKET_OUTGOING = 4


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.bind((name, 0))
    s.setblocking(False)
    return s


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: wire_relay.py IF_A IF_B DELAY_MS READY_FILE")
    a, b = open_if(sys.argv[1]), open_if(sys.argv[2])
    delay = float(sys.argv[3]) / 1000.0
    other = {a.fileno(): b, b.fileno(): a}
    queue, order = [], 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(sys.argv[4], "w") as f:
        f.write("ready\n")
    while True:
        wait = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        ready, _, _ = select.select([a, b], [], [], wait)
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65536 + 10)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                order += 1
                heapq.heappush(queue, (time.monotonic() + delay, order, other[s.fileno()], frame))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            out.send(frame)


if __name__ == "__main__":
    main()
