#!/usr/bin/env python3
"""py_echo.py: small Python socket programs for socklab run's tests
(tests/it/it_run.sh): plain blocking calls, as a student writes them.

  py_echo.py server PORT       accept one client, reply "server-" + what it
                               sent until it closes, then exit 0
  py_echo.py client PORT MSG   send MSG, print the reply, close
  py_echo.py forks N           N children, each makes a TCP socket and exits
  py_echo.py close_range       two TCP sockets, then close_range(3, ~0U, 0)
"""
import ctypes
import os
import socket
import sys


def server(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(5)
    print("listening", flush=True)
    conn, _ = s.accept()
    while True:
        data = conn.recv(4096)
        if not data:
            break
        conn.sendall(b"server-" + data)
    conn.close()
    s.close()


def client(port, msg):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(msg.encode())
    print(c.recv(4096).decode(), flush=True)
    c.close()


def forks(n):
    pids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            socket.socket().close()
            os._exit(0)
        pids.append(pid)
    bad = sum(1 for p in pids if os.waitpid(p, 0)[1] != 0)
    sys.exit(1 if bad else 0)


def close_range():
    a, b = socket.socket(), socket.socket()
    libc = ctypes.CDLL(None, use_errno=True)
    nr = {"x86_64": 436, "aarch64": 436}[os.uname().machine]
    if libc.syscall(nr, 3, ctypes.c_uint(0xFFFFFFFF), 0) != 0:
        sys.exit("close_range: " + os.strerror(ctypes.get_errno()))
    a.detach()
    b.detach()


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "server":
        server(int(sys.argv[2]))
    elif what == "client":
        client(int(sys.argv[2]), sys.argv[3])
    elif what == "forks":
        forks(int(sys.argv[2]))
    elif what == "close_range":
        close_range()
    else:
        sys.exit("py_echo.py: unknown program " + what)
