#!/usr/bin/env python3
"""Writes odd-records.pcap: a microsecond pcap whose records a careless
writer could make. One connection over Ethernet:
  - record 3 has a fraction of a second of 1,000,000 us (carried into the
    seconds, counted in the stats, the packet kept);
  - record 4's IPv4 total length (1000) is longer than the frame was on the
    wire (caplen = len = 59): its TCP len is what was there, 5 (tshark: 5);
  - record 5 is the same frame cut by the snaplen (len 1014, caplen 59):
    its TCP len comes from the IP header, 960 (tshark: 960).
usage: make_odd_records.py OUT.pcap"""
import struct
import sys


def ip4(total, payload, src, dst):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0x4000, 64, 6, 0, bytes(src), bytes(dst)) + payload


def tcp(sport, dport, seq, ack, flags, data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 512, 0, 0) + data


C, S = (10, 0, 0, 1), (10, 0, 0, 2)
ETH = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
data = ETH + ip4(1000, tcp(40000, 80, 101, 501, 0x18, b"hello"), C, S)
records = [  # (usec, frame, wire length)
    (0, ETH + ip4(40, tcp(40000, 80, 100, 0, 0x02), C, S), None),
    (100, ETH + ip4(40, tcp(80, 40000, 500, 101, 0x12), S, C), None),
    (1000000, ETH + ip4(40, tcp(40000, 80, 101, 501, 0x10), C, S), None),
    (1000100 - 1000000, data, len(data)),
    (1000200 - 1000000, data, len(data) + 955),
]
out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for i, (usec, frame, wire) in enumerate(records):
    sec = 1700000000 + (1 if i >= 3 else 0)
    out += struct.pack("<IIII", sec, usec, len(frame), wire or len(frame)) + frame
with open(sys.argv[1], "wb") as f:
    f.write(out)
