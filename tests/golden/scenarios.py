#!/usr/bin/env python3
"""Real loopback traffic for the golden pcaps (run by make_golden.sh while
tcpdump records). Each scenario is one connection on the given port."""
import socket, struct, sys, threading, time

def server(family, addr, port, behaviour, ready):
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(8)
    ready.set()
    c, _ = ls.accept()
    if behaviour == "unread":
        time.sleep(0.2)            # data arrives; close without reading it
        c.close(); ls.close(); return
    data = c.recv(4096)
    c.sendall(b"server-" + data)
    if behaviour == "server-close":
        c.close(); ls.close(); return
    if behaviour == "half-close":
        assert c.recv(4096) == b""  # client shut its sending side
        c.sendall(b"still talking after your FIN")
        time.sleep(0.05)
    try:
        while c.recv(4096):
            pass
    except ConnectionResetError:   # the rst scenario: the client aborted
        pass
    c.close(); ls.close()

def client(family, addr, port, behaviour):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.connect((addr, port))
    s.sendall(b"hello")
    if behaviour == "unread":
        time.sleep(0.5)
        try:
            s.recv(4096)
        except ConnectionResetError:
            pass
        s.close(); return
    assert s.recv(4096) == b"server-hello"
    if behaviour == "server-close":
        assert s.recv(4096) == b""
        time.sleep(0.05)
    if behaviour == "rst":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if behaviour == "half-close":
        s.shutdown(socket.SHUT_WR)
        assert s.recv(4096) == b"still talking after your FIN"
        time.sleep(0.1)
    s.close()

def main():
    behaviour, port = sys.argv[1], int(sys.argv[2])
    family, addr = (socket.AF_INET6, "::1") if behaviour == "ipv6" else (socket.AF_INET, "127.0.0.1")
    if behaviour == "refused":
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.connect((addr, port))
            sys.exit("refused: connect unexpectedly succeeded")
        except ConnectionRefusedError:
            return
    ready = threading.Event()
    t = threading.Thread(target=server, args=(family, addr, port, behaviour, ready))
    t.start()
    ready.wait()
    client(family, addr, port, behaviour)
    t.join()

main()
