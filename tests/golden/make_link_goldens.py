#!/usr/bin/env python3
"""Writes one golden capture per link type socklab decodes beyond Ethernet
and the cooked/loopback/raw ones: the real loopback traffic of echo.pcap
(IPv4) and ipv6.pcap, each IP packet put in that link type's framing, so
that the expected timeline is the same story as echo.expected and
ipv6.expected. A few frames that are no IP traffic (an 802.11 beacon, a
QoS null frame, a PPP LCP echo, a Cisco SLARP keepalive) are mixed in and
must be counted as not TCP. Check each with tshark -r.
usage: make_link_goldens.py   (in tests/golden)"""
import struct


def read_pcap(path):
    data = open(path, "rb").read()
    magic, = struct.unpack("<I", data[:4])
    assert magic in (0xa1b2c3d4, 0xa1b23c4d), path
    linktype, = struct.unpack("<I", data[20:24])
    assert linktype == 1, path  # Ethernet
    off, out = 24, []
    while off < len(data):
        sec, frac, caplen, wirelen = struct.unpack("<IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        out.append((sec, frac, frame[14:], wirelen - 14, struct.unpack("!H", frame[12:14])[0]))
    return magic, out


def write_pcap(path, magic, linktype, records):
    out = struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)
    for sec, frac, frame, wirelen in records:
        out += struct.pack("<IIII", sec, frac, len(frame), wirelen) + frame
    open(path, "wb").write(out)


ETH_IPV4, ETH_IPV6 = 0x0800, 0x86DD
MAC_A, MAC_B, BSSID = bytes.fromhex("020000000001"), bytes.fromhex("020000000002"), bytes.fromhex("02000000aaaa")
SNAP = bytes.fromhex("aaaa03000000")


def wlan_data(ip, ethertype, qos):
    """An 802.11 data frame to the AP (ToDS), QoS data when qos, with LLC/SNAP."""
    fc = bytes([0x88 if qos else 0x08, 0x01])
    hdr = fc + b"\x00\x00" + BSSID + MAC_A + MAC_B + b"\x10\x00" + (b"\x00\x00" if qos else b"")
    return hdr + SNAP + struct.pack("!H", ethertype) + ip


BEACON = bytes([0x80, 0x00]) + b"\x00\x00" + b"\xff" * 6 + BSSID + BSSID + b"\x00\x00" + b"\x00" * 12
QOS_NULL = bytes([0xc8, 0x01]) + b"\x00\x00" + BSSID + MAC_A + BSSID + b"\x20\x00" + b"\x00\x00"
# radiotap: version 0, length 12, present: flags (bit 1) and rate (bit 2)
RADIOTAP = struct.pack("<BBHI", 0, 0, 12, 0x00000006) + bytes([0x00, 0x02]) + b"\x00\x00"
PPI_80211 = struct.pack("<BBHI", 0, 0, 8, 105)
# LINKTYPE_IPOIB: 20 zero bytes and the 20-byte destination address (flags,
# QPN, GID) in place of a Global Route Header, as Wireshark reads it
IPOIB_PSEUDO = b"\x00" * 20 + b"\x00\x00\x00\x48" + bytes.fromhex("fe800000000000000002c90300001234")


def ppp(ip, ethertype):
    return b"\xff\x03" + struct.pack("!H", 0x0021 if ethertype == ETH_IPV4 else 0x0057) + ip


def c_hdlc(ip, ethertype):
    return b"\x0f\x00" + struct.pack("!H", ethertype) + ip


# name: (linktype, framing of an IP packet, frames that are not TCP)
LINKS = {
    "ppp": (9, ppp, [b"\xff\x03\xc0\x21" + bytes.fromhex("09010008deadbeef")]),
    "ppp-serial": (50, lambda ip, et: c_hdlc(ip, et) if et == ETH_IPV6 else ppp(ip, et),
                   [b"\x8f\x00\x80\x35" + b"\x00" * 18]),
    "c-hdlc": (104, c_hdlc, [b"\x8f\x00\x80\x35" + b"\x00" * 18]),
    "wlan": (105, lambda ip, et: wlan_data(ip, et, et == ETH_IPV6), [BEACON, QOS_NULL]),
    "radiotap": (127, lambda ip, et: RADIOTAP + wlan_data(ip, et, et == ETH_IPV6),
                 [RADIOTAP + BEACON, RADIOTAP + QOS_NULL]),
    "ppi": (192, lambda ip, et: PPI_80211 + wlan_data(ip, et, et == ETH_IPV4), [PPI_80211 + BEACON]),
    "ipoib": (242, lambda ip, et: IPOIB_PSEUDO + struct.pack("!HH", et, 0) + ip,
              [IPOIB_PSEUDO + struct.pack("!HH", 0x0806, 0) + b"\x00" * 28]),
}

magic, v4 = read_pcap("echo.pcap")
magic6, v6 = read_pcap("ipv6.pcap")
assert magic == magic6
last = v4[-1][0]
for name, (linktype, frame, others) in LINKS.items():
    records = []
    for i, (sec, frac, ip, wirelen, et) in enumerate(v4):
        f = frame(ip, et)
        records.append((sec, frac, f, wirelen + len(f) - len(ip)))
        if i == 2:  # after the handshake
            records += [(sec, frac, o, len(o)) for o in others]
    base = v6[0][0]
    for sec, frac, ip, wirelen, et in v6:  # a second later than the IPv4 connection
        f = frame(ip, et)
        records.append((last + 1 + sec - base, frac, f, wirelen + len(f) - len(ip)))
    write_pcap(name + ".pcap", magic, linktype, records)
    print("%s.pcap: linktype %d, %d frames" % (name, linktype, len(records)))
