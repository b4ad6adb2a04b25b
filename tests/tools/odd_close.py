#!/usr/bin/env python3
"""odd_close.py PORT MODE: one real connection on loopback that the echo
programs cannot make, for the kernel oracle (tests/it/it_kernel_oracle.sh).
An nftables table of its own (removed at the end) drops chosen segments at
input, after the capture has seen them:
  crossed   both ends close at once and both first FINs are dropped, so the
            resent FINs cross: each end goes FIN_WAIT_1 > CLOSING.
  syn-sent  the first SYN|ACK is dropped and the client closes in SYN_SENT;
            the resent SYN|ACK finds no socket and gets a bare RST.
Needs root (nft)."""
import socket, subprocess, sys, time
port = int(sys.argv[1]); mode = sys.argv[2]
def nft(*cmds):
    subprocess.run(["nft", "-f", "-"], input="\n".join(cmds) + "\n", text=True, check=True)
table = "socklab_oracle_%d" % port
nft("add table inet %s" % table,
    "add chain inet %s in { type filter hook input priority -300; }" % table)
lst = socket.socket(); lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind(("127.0.0.1", port)); lst.listen(1)
try:
    if mode == "crossed":
        c = socket.create_connection(("127.0.0.1", port)); s, _ = lst.accept()
        nft("add rule inet %s in tcp dport %d tcp flags & fin == fin drop" % (table, port),
            "add rule inet %s in tcp sport %d tcp flags & fin == fin drop" % (table, port))
        c.close(); s.close()          # both FINs leave, neither arrives
        time.sleep(0.05)
        nft("flush chain inet %s in" % table)
        time.sleep(1.5)                # the resent FINs cross, then TIME_WAIT
    elif mode == "syn-sent":
        nft("add rule inet %s in tcp sport %d tcp flags & (syn|ack) == syn|ack drop" % (table, port))
        c = socket.socket(); c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        time.sleep(0.2)
        c.close()                      # closed in SYN_SENT: no RST, the socket is gone
        nft("flush chain inet %s in" % table)
        time.sleep(1.5)                # the resent SYN|ACK meets a bare RST
finally:
    nft("delete table inet %s" % table)
    lst.close()
