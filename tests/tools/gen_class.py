#!/usr/bin/env python3
"""gen_class.py: writes a recording (.jsonl, as `socklab record` writes it)
of a class: one echo server, CONNS students' echo clients spread over HOURS,
each connecting, echoing a few lines and closing, until the recording holds
at least ROWS timeline rows. The records are those of the echo fixture
(tests/golden/echo.jsonl) with the tracer's why keys (issue 8).

    gen_class.py OUT.jsonl [--conns 200] [--rows 10000] [--hours 3]

Rows: the server's start makes 6; a connection makes 18 plus 12 per echo."""
import argparse
import json

SERVER_PID, PORT, T0 = 200, 9000, 1764107207000000000
SETUP_ROWS, CONN_ROWS, ECHO_ROWS = 6, 18, 12


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--conns", type=int, default=200)
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--hours", type=float, default=3.0)
    a = ap.parse_args()
    echoes = max(0, -(-(a.rows - SETUP_ROWS - CONN_ROWS * a.conns) // ECHO_ROWS))
    out = open(a.out, "w")
    seq = {}

    def rec(**r):
        out.write(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n")

    def call(ts, proc, pid, name, phase, fd, args, **extra):
        if phase == "enter":
            seq[pid] = seq.get(pid, 0) + 1
        r = {"type": "call", "ts_ns": ts, "phase": phase, "proc": proc, "pid": pid, "tid": pid,
             "seq": seq[pid], "call": name, "fd": fd, "args": args}
        r.update(extra)
        rec(**r)

    srv = "127.0.0.1:%d" % PORT
    rec(type="format", ts_ns=T0, version=1, producer="tests/tools/gen_class.py")
    rec(type="hello", ts_ns=T0, proc="server", pid=SERVER_PID, argv="echo-server -p %d" % PORT)
    t = T0 + 10000
    for name, args, ret in (("socket", "AF_INET, SOCK_STREAM, 0", 3), ("bind", "3, " + srv, 0),
                            ("listen", "3, 128", 0)):
        call(t, "server", SERVER_PID, name, "enter", 3 if name != "socket" else -1, args)
        call(t + 5000, "server", SERVER_PID, name, "exit", 3 if name != "socket" else -1, args,
             ret=ret, errno=None, local=srv)
        t += 10000
    gap = int(a.hours * 3600e9 / a.conns)
    for i in range(a.conns):
        conn, pid, cport = i + 1, 1000 + i, 40000 + i
        cli = "127.0.0.1:%d" % cport
        n = echoes // a.conns + (1 if i < echoes % a.conns else 0)
        t = T0 + 1000000 + i * gap
        isn_c, isn_s = 1000 + 7919 * i, 5000 + 104729 * i

        def packet(ts, c2s, flags, s, k, length=0, payload=None, note=None):
            r = {"type": "packet", "ts_ns": ts, "conn": conn, "src": cli if c2s else srv,
                 "dst": srv if c2s else cli, "dir": "c2s" if c2s else "s2c", "flags": flags, "seq": s,
                 "ack": k, "len": length, "win": 512,
                 "abs_seq": (isn_c if c2s else isn_s) + s, "abs_ack": ((isn_s if c2s else isn_c) + k) if k else 0}
            if payload:
                r["payload"] = payload
            if note:
                r["note"] = note
            rec(**r)

        def state(ts, role, frm, to, why, s=0, k=0):
            rec(type="state", ts_ns=ts, conn=conn, client=cli, server=srv, role=role, **{"from": frm},
                to=to, why=why, seq=s, ack=k)

        ep = {"local": cli, "peer": srv}
        sp = {"local": srv, "peer": cli}
        rec(type="hello", ts_ns=t, proc="client", pid=pid, argv="echo-client 127.0.0.1 %d" % PORT)
        if i == 0:
            call(t + 1, "server", SERVER_PID, "accept", "enter", 3, "3", local=srv)
        call(t + 10000, "client", pid, "socket", "enter", -1, "AF_INET, SOCK_STREAM, 0")
        call(t + 15000, "client", pid, "socket", "exit", -1, "AF_INET, SOCK_STREAM, 0", ret=3, errno=None)
        call(t + 20000, "client", pid, "connect", "enter", 3, "3, " + srv, addr=srv)
        packet(t + 25000, True, "SYN", 0, 0)
        state(t + 25000, "client", "CLOSED", "SYN_SENT", "connect")
        state(t + 25000, "server", "LISTEN", "SYN_RCVD", "answered_syn", 0, 1)
        packet(t + 30000, False, "SYN|ACK", 0, 1)
        state(t + 30000, "client", "SYN_SENT", "ESTABLISHED", "connected", 0, 1)
        packet(t + 35000, True, "ACK", 1, 1)
        state(t + 35000, "server", "SYN_RCVD", "ESTABLISHED", "handshake_done", 1, 1)
        call(t + 40000, "client", pid, "connect", "exit", 3, "3, " + srv, ret=0, errno=None, addr=srv,
             blocked_ns=20000, **ep)
        call(t + 45000, "server", SERVER_PID, "accept", "exit", 3, "3", ret=4, errno=None, **sp)
        t += 100000
        cs, ss = 1, 1
        for k in range(n):
            line = "line %d of student %d" % (k + 1, i + 1)
            reply = "server-" + line
            q = '"%s"' % line
            call(t, "client", pid, "write", "enter", 3, "3, %s, %d" % (q, len(line)))
            packet(t + 2000, True, "PSH|ACK", cs, ss, len(line), line)
            call(t + 5000, "client", pid, "write", "exit", 3, "3, %s, %d" % (q, len(line)), ret=len(line),
                 errno=None, data=line, **ep)
            packet(t + 6000, False, "ACK", ss, cs + len(line))
            cs += len(line)
            call(t + 10000, "server", SERVER_PID, "read", "enter", 4, "4, buf, 1024")
            call(t + 15000, "server", SERVER_PID, "read", "exit", 4, "4, buf, 1024", ret=len(line), errno=None,
                 data=line, **sp)
            rq = '"%s"' % reply
            call(t + 20000, "server", SERVER_PID, "write", "enter", 4, "4, %s, %d" % (rq, len(reply)))
            packet(t + 22000, False, "PSH|ACK", ss, cs, len(reply), reply[:40])
            call(t + 25000, "server", SERVER_PID, "write", "exit", 4, "4, %s, %d" % (rq, len(reply)),
                 ret=len(reply), errno=None, data=reply[:40], **sp)
            packet(t + 26000, True, "ACK", cs, ss + len(reply))
            ss += len(reply)
            call(t + 30000, "client", pid, "read", "enter", 3, "3, buf, 1024")
            call(t + 35000, "client", pid, "read", "exit", 3, "3, buf, 1024", ret=len(reply), errno=None,
                 data=reply[:40], **ep)
            t += 2000000000  # a student types the next line
        call(t, "client", pid, "close", "enter", 3, "3", **ep)
        packet(t + 2000, True, "FIN|ACK", cs, ss)
        state(t + 2000, "client", "ESTABLISHED", "FIN_WAIT_1", "close", cs, ss)
        state(t + 2000, "server", "ESTABLISHED", "CLOSE_WAIT", "peer_closed", cs, ss)
        call(t + 5000, "client", pid, "close", "exit", 3, "3", ret=0, errno=None)
        call(t + 10000, "server", SERVER_PID, "read", "enter", 4, "4, buf, 1024")
        call(t + 15000, "server", SERVER_PID, "read", "exit", 4, "4, buf, 1024", ret=0, errno=None, **sp)
        call(t + 20000, "server", SERVER_PID, "close", "enter", 4, "4", **sp)
        packet(t + 22000, False, "FIN|ACK", ss, cs + 1, note="fin_ack_rode_on_fin")
        state(t + 22000, "server", "CLOSE_WAIT", "LAST_ACK", "close_after_peer", ss, cs + 1)
        state(t + 22000, "client", "FIN_WAIT_1", "FIN_WAIT_2", "fin_acked", ss, cs + 1)
        state(t + 22000, "client", "FIN_WAIT_2", "TIME_WAIT", "time_wait", ss, cs + 1)
        call(t + 25000, "server", SERVER_PID, "close", "exit", 4, "4", ret=0, errno=None)
        packet(t + 30000, True, "ACK", cs + 1, ss + 1)
        state(t + 30000, "server", "LAST_ACK", "CLOSED", "last_ack_acked", cs + 1, ss + 1)
        if i + 1 < a.conns:
            call(t + 40000, "server", SERVER_PID, "accept", "enter", 3, "3", local=srv)
    out.close()


if __name__ == "__main__":
    main()
