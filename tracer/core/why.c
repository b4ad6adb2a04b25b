/* why.c: the explanations, one row per key, one column per language.
 * Checked by tests/unit/test_why.c: every placeholder known, every row
 * complete in every language, every key unique. */
#include "why.h"

#include <string.h>

#include "json.h"

struct why_row {
	const char *key;
	const char *text[LANG_COUNT];
};

static const struct why_row rows[WHY_COUNT] = {
	[WHY_NONE] = { "", { "", "" } },
	[WHY_CONNECT] = { "connect", {
		"the {who}'s connect() sent a SYN with its initial sequence number (ISN; seq=0 here, numbers "
		"are shown relative to it): the {who} waits in SYN_SENT for the {peer}'s answer",
		"{who}的 connect() 发出 SYN，带上它的初始序号（ISN；这里显示为 seq=0，序号都相对于它）："
		"{who}在 SYN_SENT 中等待{peer}的回答" } },
	[WHY_ANSWERED_SYN] = { "answered_syn", {
		"the {who}'s listening socket got the {peer}'s SYN and answered SYN|ACK: its own ISN (seq=0) "
		"and ack={ack}, the {peer}'s ISN + 1 (a SYN counts as one byte); the half-open connection "
		"waits in SYN_RCVD",
		"{who}的监听套接字收到{peer}的 SYN，回答 SYN|ACK：带上自己的 ISN（seq=0）和 ack={ack}，"
		"即{peer}的 ISN + 1（SYN 占一个序号）；这个未完成的握手在 SYN_RCVD 中等待" } },
	[WHY_CONNECTED] = { "connected", {
		"the {who} got the {peer}'s SYN|ACK: ack={ack} acknowledges its SYN and the SYN carries the "
		"{peer}'s ISN; the connection is open and connect() returns (the {who}'s ACK completes the "
		"handshake)",
		"{who}收到{peer}的 SYN|ACK：ack={ack} 确认了它的 SYN，SYN 带来{peer}的 ISN；连接已打开，"
		"connect() 返回（{who}的 ACK 完成握手）" } },
	[WHY_SIMULTANEOUS_SYN] = { "simultaneous_syn", {
		"simultaneous open: the {who} got the {peer}'s SYN while waiting for an answer to its own; it "
		"answers with SYN|ACK and waits in SYN_RCVD",
		"同时打开：{who}在等待自己 SYN 的回答时收到了{peer}的 SYN；它回答 SYN|ACK，在 SYN_RCVD 中等待" } },
	[WHY_HANDSHAKE_DONE] = { "handshake_done", {
		"the {peer}'s ACK (ack={ack}) acknowledges the {who}'s SYN: the 3-way handshake is complete; "
		"the connection waits in the listening socket's accept queue until accept() takes it",
		"{peer}的 ACK（ack={ack}）确认了{who}的 SYN：三次握手完成；连接在监听套接字的 accept 队列里"
		"等待，直到 accept() 取走它" } },
	[WHY_SIMULTANEOUS_DONE] = { "simultaneous_done", {
		"simultaneous open: the {peer}'s SYN|ACK (ack={ack}) acknowledges the {who}'s SYN: both sides "
		"are synchronized and connect() returns",
		"同时打开：{peer}的 SYN|ACK（ack={ack}）确认了{who}的 SYN：双方已同步，connect() 返回" } },
	[WHY_CLOSE] = { "close", {
		"the {who} called close() or shutdown(SHUT_WR): its FIN says it will send no more data (it can "
		"still receive); it waits in FIN_WAIT_1 for the ACK of that FIN",
		"{who}调用了 close() 或 shutdown(SHUT_WR)：它的 FIN 表示不再发送数据（仍然可以接收）；"
		"它在 FIN_WAIT_1 中等待这个 FIN 的 ACK" } },
	[WHY_PEER_CLOSED] = { "peer_closed", {
		"the {peer} closed its direction: its FIN means no more data is coming, so the {who}'s read() "
		"returns 0 once queued data is read; the {who} can still send and waits in CLOSE_WAIT until "
		"it calls close()",
		"{peer}关闭了它的方向：它的 FIN 表示不会再有数据，所以{who}读完已排队的数据后 read() 返回 0；"
		"{who}仍然可以发送，在 CLOSE_WAIT 中等待，直到它调用 close()" } },
	[WHY_CLOSE_AFTER_PEER] = { "close_after_peer", {
		"the {who} called close() after the {peer}'s FIN: its own FIN closes the other direction; it "
		"waits in LAST_ACK for the ACK of that FIN",
		"{who}在{peer}的 FIN 之后调用 close()：它自己的 FIN 关闭另一个方向；它在 LAST_ACK 中等待"
		"这个 FIN 的 ACK" } },
	[WHY_CLOSE_IN_SYN_RCVD] = { "close_in_syn_rcvd", {
		"the {who} sent a FIN with its SYN|ACK: it closes its direction before the handshake is "
		"complete (RFC 9293 3.10.4: CLOSE in SYN-RECEIVED) and waits in FIN_WAIT_1",
		"{who}在 SYN|ACK 上带了 FIN：握手完成之前就关闭了自己的方向（RFC 9293 3.10.4：SYN-RECEIVED "
		"中的 CLOSE），在 FIN_WAIT_1 中等待" } },
	[WHY_FIN_ACKED] = { "fin_acked", {
		"the {peer}'s ACK (ack={ack}) covers the {who}'s FIN (a FIN takes one sequence number): the "
		"{who}'s direction is closed; it waits in FIN_WAIT_2 for the {peer}'s FIN",
		"{peer}的 ACK（ack={ack}）确认了{who}的 FIN（FIN 占一个序号）：{who}的方向已关闭；"
		"它在 FIN_WAIT_2 中等待{peer}的 FIN" } },
	[WHY_FIN_ACK_RODE_ON_FIN] = { "fin_ack_rode_on_fin", {
		"the {peer}'s ACK of the {who}'s FIN (ack={ack}) rode on the {peer}'s own FIN, so FIN_WAIT_2 "
		"lasts only until the {who} has taken that FIN in (its ACK shows it)",
		"{peer}对{who}的 FIN 的确认（ack={ack}）搭在{peer}自己的 FIN 上，所以 FIN_WAIT_2 只持续到"
		"{who}收下这个 FIN 为止（它的 ACK 表明了这一点）" } },
	[WHY_TIME_WAIT] = { "time_wait", {
		"the {peer}'s FIN arrived and the {who} ACKs it; as the active closer the {who} stays in "
		"TIME_WAIT for 60 s (Linux's fixed TCP_TIMEWAIT_LEN; RFC 9293 asks for 2MSL, 4 minutes) so a "
		"late segment of this connection cannot be mistaken for a new one, and so it can re-send the "
		"last ACK if the {peer}'s FIN comes again",
		"{peer}的 FIN 到达，{who}确认它；作为主动关闭的一方，{who}在 TIME_WAIT 中停留 60 秒"
		"（Linux 固定的 TCP_TIMEWAIT_LEN；RFC 9293 要求 2MSL，即 4 分钟），使这个连接迟到的报文段"
		"不会被误认为新连接的，并且在{peer}的 FIN 再次到来时能重发最后的 ACK" } },
	[WHY_SIMULTANEOUS_CLOSE] = { "simultaneous_close", {
		"simultaneous close: the FINs crossed; the {peer}'s FIN arrived after the {who} had sent its "
		"own, and does not acknowledge it (ack={ack}); the {who} ACKs it and waits in CLOSING for the "
		"ACK of its own FIN",
		"同时关闭：两个 FIN 交叉而过；{peer}的 FIN 在{who}发出自己的 FIN 之后才到达，且没有确认它"
		"（ack={ack}）；{who}确认它，并在 CLOSING 中等待自己 FIN 的 ACK" } },
	[WHY_CLOSING_ACKED] = { "closing_acked", {
		"the {peer}'s ACK (ack={ack}) covers the {who}'s FIN: both FINs are acknowledged; after a "
		"simultaneous close both sides stay in TIME_WAIT for 60 s (Linux's TCP_TIMEWAIT_LEN) so late "
		"segments of this connection die out",
		"{peer}的 ACK（ack={ack}）确认了{who}的 FIN：两个 FIN 都已确认；同时关闭之后，双方都在 "
		"TIME_WAIT 中停留 60 秒（Linux 的 TCP_TIMEWAIT_LEN），让这个连接迟到的报文段消失" } },
	[WHY_LAST_ACK_ACKED] = { "last_ack_acked", {
		"the {peer}'s ACK (ack={ack}) covers the {who}'s FIN: the connection is closed; the passive "
		"closer has no TIME_WAIT to go through",
		"{peer}的 ACK（ack={ack}）确认了{who}的 FIN：连接已关闭；被动关闭的一方不经过 TIME_WAIT" } },
	[WHY_REFUSED] = { "refused", {
		"connection refused: the {peer} answered the {who}'s SYN with RST because no socket listens on "
		"that port; connect() fails with ECONNREFUSED",
		"连接被拒绝：没有套接字在那个端口上监听，{peer}用 RST 回答了{who}的 SYN；connect() 以 "
		"ECONNREFUSED 失败" } },
	[WHY_HALF_OPEN_ABORT] = { "half_open_abort", {
		"the {who} reset the half-open connection (RST) instead of completing the handshake",
		"{who}用 RST 重置了这个未完成的握手，而没有完成它" } },
	[WHY_HALF_OPEN_RESET] = { "half_open_reset", {
		"the {peer} reset the half-open connection (RST, seq={seq}): the {who} drops it (a listening "
		"socket keeps listening)",
		"{peer}重置了这个未完成的握手（RST，seq={seq}）：{who}丢弃它（监听套接字继续监听）" } },
	[WHY_ABORT] = { "abort", {
		"the {who} aborted the connection with RST: close() with SO_LINGER set to 0, or close() while "
		"received data was still unread; no FIN exchange and no TIME_WAIT",
		"{who}用 RST 中止了连接：SO_LINGER 设为 0 时的 close()，或者收到的数据还没读完就 close()；"
		"没有 FIN 交换，也没有 TIME_WAIT" } },
	[WHY_NO_SOCKET] = { "no_socket", {
		"the {who} had no socket for this connection any more: its kernel answered the {peer}'s "
		"segment with a bare RST (no ACK bit), which says \"no such connection here\"",
		"{who}已经没有这个连接的套接字了：它的内核用不带 ACK 位的 RST 回答{peer}的报文段，"
		"意思是“这里没有这个连接”" } },
	[WHY_GONE_IN_SYN_SENT] = { "gone_in_syn_sent", {
		"the {who}'s socket was closed while it waited in SYN_SENT (close() before connect() "
		"finished): the {peer}'s SYN|ACK found no socket, and the {who}'s kernel answered it with a "
		"bare RST; the connection never opened",
		"{who}的套接字在 SYN_SENT 中等待时被关闭了（connect() 完成前调用了 close()）：{peer}的 "
		"SYN|ACK 找不到套接字，{who}的内核用不带 ACK 位的 RST 回答它；连接从未建立" } },
	[WHY_RESET] = { "reset", {
		"connection reset by the {peer}: its RST (seq={seq}) is exactly the next sequence number the "
		"{who} expected, so the connection ends at once; the {who}'s next read() or write() fails "
		"with ECONNRESET",
		"连接被{peer}重置：它的 RST（seq={seq}）正好是{who}期待的下一个序号，所以连接立即结束；"
		"{who}的下一次 read() 或 write() 以 ECONNRESET 失败" } },
	[WHY_RESET_WHILE_CLOSING] = { "reset_while_closing", {
		"the {peer}'s RST (seq={seq}) ends the connection at once, before the ACK of the {who}'s FIN "
		"arrived",
		"{peer}的 RST（seq={seq}）立即结束了连接，{who}的 FIN 的 ACK 还没有到达" } },
	[WHY_TIME_WAIT_SENT_RST] = { "time_wait_sent_rst", {
		"the {who}'s TIME_WAIT socket answered a segment that does not fit the old connection with RST "
		"and went away",
		"{who}的 TIME_WAIT 套接字用 RST 回答了一个不属于旧连接的报文段，然后消失了" } },
	[WHY_TIME_WAIT_RESET] = { "time_wait_reset", {
		"the {peer}'s RST ended the {who}'s TIME_WAIT early (RFC 9293 allows it; Linux does so unless "
		"net.ipv4.tcp_rfc1337 is set)",
		"{peer}的 RST 提前结束了{who}的 TIME_WAIT（RFC 9293 允许；除非设置了 net.ipv4.tcp_rfc1337，"
		"Linux 就这样做）" } },
	[WHY_JOINED] = { "joined", {
		"joined mid-stream: the handshake happened before the capture started, so the {who} is taken "
		"to be ESTABLISHED",
		"中途加入：握手发生在抓包开始之前，所以认为{who}处于 ESTABLISHED" } },
	[WHY_TIME_WAIT_EXPIRED] = { "time_wait_expired", {
		"60 s (Linux's TCP_TIMEWAIT_LEN) have passed in TIME_WAIT: no late segment of this connection "
		"can still be in the network, so the {who}'s socket is released and the 4-tuple is free again",
		"在 TIME_WAIT 中已过 60 秒（Linux 的 TCP_TIMEWAIT_LEN）：这个连接不会再有迟到的报文段留在"
		"网络里，所以{who}的套接字被释放，这个四元组又可以使用了" } },
	[WHY_TIME_WAIT_REUSED] = { "time_wait_reused", {
		"a new SYN took this 4-tuple while the {who} was still in TIME_WAIT, and really ended it: "
		"Linux accepts such a SYN when its sequence number or timestamp is newer than the old "
		"connection's (RFC 6191), and a client's kernel picks such a port for connect() only with "
		"net.ipv4.tcp_tw_reuse (2, the default, allows it on loopback)",
		"{who}还在 TIME_WAIT 时，一个新的 SYN 占用了这个四元组，并真正结束了它：当这个 SYN 的序号或"
		"时间戳比旧连接的新时，Linux 接受它（RFC 6191）；客户端的内核只有在 net.ipv4.tcp_tw_reuse "
		"允许时才为 connect() 选这样的端口（默认值 2 只允许回环地址）" } },
	[WHY_ICMP_ABORT] = { "icmp_abort", {
		"an ICMP error about the {who}'s segment (seq={seq}) ended the connection before it opened: "
		"Linux (tcp_v4_err, tcp_v6_err) aborts a connection still in SYN_SENT or SYN_RCVD at a "
		"destination-unreachable, time-exceeded or parameter-problem error; connect() fails with "
		"the error's errno (ECONNREFUSED for port unreachable, EHOSTUNREACH for host unreachable)",
		"一个关于{who}的报文段（seq={seq}）的 ICMP 差错在连接建立之前就结束了它：Linux（tcp_v4_err、"
		"tcp_v6_err）在连接还处于 SYN_SENT 或 SYN_RCVD 时，收到目的不可达、超时或参数问题差错就中止它；"
		"connect() 以这个差错对应的 errno 失败（端口不可达是 ECONNREFUSED，主机不可达是 EHOSTUNREACH）" } },
	[WHY_NEW_SYN_OLD_GONE] = { "new_syn_old_gone", {
		"the {who} sent the SYN of a new connection on this 4-tuple (a new initial sequence number), "
		"so its old connection had already ended: a host sends a bare SYN only from CLOSED, when "
		"connect() opens (RFC 9293 3.10.1; or on a port whose old connection sits in TIME_WAIT), and "
		"sends it again with the same ISN; the capture did not see the old connection end (its last "
		"segments were dropped by the capture, or it ended without one, as a connect() that gives up)",
		"{who}在这个四元组上发出了一个新连接的 SYN（新的初始序号），所以它的旧连接已经结束了：主机只在 "
		"CLOSED 状态下调用 connect() 时才发送不带 ACK 的 SYN（RFC 9293 3.10.1；或者在旧连接处于 "
		"TIME_WAIT 的端口上），重传时用同一个 ISN；抓包没有看到旧连接结束（它最后的报文段被抓包丢掉了，"
		"或者它结束时没有发送报文段，比如放弃了的 connect()）" } },
	[NOTE_LATE] = { "late", {
		"late segment: both endpoints are already CLOSED (it was in flight when the connection ended, "
		"or answers one that was)",
		"迟到的报文段：两端都已 CLOSED（连接结束时它还在路上，或者是在回答这样的报文段）" } },
	[NOTE_RST_NOT_ACKING_SYN] = { "rst_not_acking_syn", {
		"RST ignored: it does not acknowledge the SYN, so it cannot be the answer to it (RFC 9293 "
		"3.10.7.3)",
		"RST 被忽略：它没有确认 SYN，所以不可能是对它的回答（RFC 9293 3.10.7.3）" } },
	[NOTE_RST_CHALLENGE] = { "rst_challenge", {
		"RST ignored: its sequence number is inside the receive window but not exactly the next one "
		"expected, so the receiver answers with a challenge ACK and stays connected (RFC 9293 "
		"3.10.7.4, RFC 5961)",
		"RST 被忽略：它的序号在接收窗口内，但不正好是期待的下一个，所以接收方回答一个挑战 ACK，"
		"保持连接（RFC 9293 3.10.7.4，RFC 5961）" } },
	[NOTE_RST_OUTSIDE] = { "rst_outside", {
		"RST ignored: its sequence number is outside the receive window (a stale or forged reset, "
		"RFC 9293 3.10.7.4)",
		"RST 被忽略：它的序号在接收窗口之外（过时的或伪造的重置，RFC 9293 3.10.7.4）" } },
	[NOTE_FINS_CROSSED] = { "fins_crossed", {
		"the FINs crossed: this FIN left before the {peer}'s FIN arrived (its ack does not cover it), "
		"so the {who} closes from FIN_WAIT_1 and passes through CLOSING if the {peer}'s FIN reaches "
		"it before the ACK of its own",
		"两个 FIN 交叉而过：这个 FIN 在{peer}的 FIN 到达之前就发出了（它的 ack 没有确认那个 FIN），"
		"所以{who}从 FIN_WAIT_1 关闭；如果{peer}的 FIN 比自己 FIN 的 ACK 先到，它会经过 CLOSING" } },
	[NOTE_THREE_SEGMENT_CLOSE] = { "three_segment_close", {
		"4-way close in 3 segments: the {who}'s ACK of the {peer}'s FIN rode on the {who}'s own FIN",
		"四次挥手只用了 3 个报文段：{who}对{peer}的 FIN 的确认搭在{who}自己的 FIN 上" } },
	[NOTE_LONE_RST] = { "lone_rst", {
		"RST for a connection this capture does not know (it ended earlier, or began before the "
		"capture): it changes no state",
		"这个 RST 属于抓包不认识的连接（它更早结束了，或者在抓包开始之前就开始了）：它不改变任何状态" } },
	[NOTE_STARTED_AT_SYNACK] = { "started_at_synack", {
		"the capture started at the SYN|ACK: the {peer}'s SYN left before it, so the {peer} was "
		"already in SYN_SENT",
		"抓包从 SYN|ACK 开始：{peer}的 SYN 在那之前就发出了，所以{peer}已经处于 SYN_SENT" } },
	[SEG_RST] = { "seg_rst", {
		"RST: the {who} aborts the connection; the {peer} drops it at once, any data still queued is lost",
		"RST：{who}中止连接；{peer}立即丢弃它，仍在排队的数据全部丢失" } },
	[SEG_SYN] = { "seg_syn", {
		"SYN: the {who} asks to open a connection; its initial sequence number ({seq} on the wire) counts "
		"as seq=0",
		"SYN：{who}请求建立连接；它的初始序号（线路上是 {seq}）记作 seq=0" } },
	[SEG_SYNACK] = { "seg_synack", {
		"SYN|ACK: the {who} accepts and sends its own SYN (seq=0 is {seq} on the wire)",
		"SYN|ACK：{who}接受连接，并发出自己的 SYN（seq=0 在线路上是 {seq}）" } },
	[SEG_FIN] = { "seg_fin", {
		"FIN: the {who} has no more data to send (its close() or shutdown()); the FIN uses one sequence "
		"number",
		"FIN：{who}不再发送数据（它调用了 close() 或 shutdown()）；FIN 占一个序号" } },
	[SEG_DATA] = { "seg_data", {
		"{len} bytes of data, seq={seq} is the number of its first byte",
		"这个报文段带 {len} 字节数据，seq={seq} 是其第一个字节的序号" } },
	[SEG_ACK_OF_SYN] = { "seg_ack_of_syn", {
		"ack={ack}: the {who} acknowledges the {peer}'s SYN, which used sequence number 0",
		"ack={ack}：{who}确认了{peer}的 SYN，那个 SYN 用掉了序号 0" } },
	[SEG_ACK] = { "seg_ack", {
		"ack={ack}: the {who} has everything the {peer} sent before byte {ack}",
		"ack={ack}：{who}已经收到{peer}发送的、序号 {ack} 之前的全部数据" } },
	[SEG_RETRANS] = { "seg_retrans", {
		"seen before: this segment retransmits one the capture already saw",
		"之前见过：这个报文段重传了抓包已经看到过的一个报文段" } },
	[CALL_SOCKET] = { "call_socket", {
		"creates an endpoint and returns a descriptor; no segment is sent",
		"创建一个端点并返回描述符；不发送任何报文段" } },
	[CALL_SETSOCKOPT] = { "call_setsockopt", {
		"sets an option on the socket (SO_REUSEADDR lets a server bind while old connections sit in "
		"TIME_WAIT); no segment is sent",
		"设置套接字选项（SO_REUSEADDR 让服务器在旧连接还处于 TIME_WAIT 时也能 bind）；不发送任何报文段" } },
	[CALL_BIND] = { "call_bind", {
		"gives the socket its local address and port; no segment is sent",
		"给套接字指定本地地址和端口；不发送任何报文段" } },
	[CALL_LISTEN] = { "call_listen", {
		"marks the socket passive; the kernel now answers SYNs and keeps two queues: SYN queue "
		"(half-open) and accept queue (finished handshakes)",
		"把套接字标记为被动；内核从此回答 SYN，并维护两个队列：SYN 队列（未完成的握手）和 accept 队列"
		"（已完成的握手）" } },
	[CALL_ACCEPT] = { "call_accept", {
		"takes a connection whose handshake the kernel already finished from the accept queue; sends "
		"nothing",
		"从 accept 队列取出一个内核已经完成握手的连接；不发送任何东西" } },
	[CALL_CONNECT] = { "call_connect", {
		"picks a local port, sends SYN, and returns once the SYN|ACK arrives (the kernel answers it with "
		"ACK); on a non-blocking socket it returns at once",
		"选一个本地端口，发出 SYN，收到 SYN|ACK 后返回（内核用 ACK 回答它）；非阻塞的套接字则立即返回" } },
	[CALL_READ] = { "call_read", {
		"copies bytes the kernel already received (and ACKed) out of the receive buffer; returns 0 once "
		"the peer's FIN arrived",
		"把内核已经收到（并已确认）的字节从接收缓冲区复制出来；对方的 FIN 到达后返回 0" } },
	[CALL_RECVFROM] = { "call_recvfrom", {
		"receives a datagram (UDP) or stream bytes, with the sender's address",
		"接收一个数据报（UDP）或字节流数据，同时得到发送方的地址" } },
	[CALL_WRITE] = { "call_write", {
		"copies bytes into the kernel's send buffer and returns; the kernel sends them as segments when it "
		"can",
		"把字节复制到内核的发送缓冲区后就返回；内核在可以发送时把它们作为报文段发出" } },
	[CALL_SENDTO] = { "call_sendto", {
		"sends a datagram to the given address (UDP: no connection, no handshake)",
		"向给定地址发送一个数据报（UDP：没有连接，也没有握手）" } },
	[CALL_SHUTDOWN] = { "call_shutdown", {
		"half-closes: SHUT_WR sends FIN (no more data from us) but the socket can still read what the "
		"peer sends",
		"半关闭：SHUT_WR 发出 FIN（我方不再发送数据），但套接字仍然可以读取对方发来的数据" } },
	[CALL_CLOSE] = { "call_close", {
		"releases the descriptor; if it was the last, the kernel sends FIN (or RST if unread data is "
		"queued)",
		"释放描述符；如果这是最后一个，内核发出 FIN（如果还有未读的数据，则发出 RST）" } },
	[CALL_POLL] = { "call_poll", {
		"waits until one of the descriptors is ready to read or write",
		"等待，直到其中一个描述符可以读或写" } },
	[CALL_EPOLL_WAIT] = { "call_epoll_wait", {
		"waits until one of the registered descriptors is ready; the server then handles only those",
		"等待，直到某个已注册的描述符就绪；服务器随后只处理这些描述符" } },
	[CALL_ACCEPT4] = { "call_accept_flags", {
		"takes a finished connection from the accept queue, as accept() does, and sets the new "
		"socket's flags in the same call: SOCK_NONBLOCK makes it non-blocking, SOCK_CLOEXEC closes it "
		"on exec; sends nothing",
		"和 accept() 一样从 accept 队列取出一个已完成握手的连接，并在同一个调用里设置新套接字的标志："
		"SOCK_NONBLOCK 使它成为非阻塞的，SOCK_CLOEXEC 使它在 exec 时关闭；不发送任何东西" } },
	[CALL_GETSOCKOPT] = { "call_getsockopt", {
		"reads an option of the socket; SO_ERROR reads the socket's pending error and clears it, which "
		"is how a program learns how a non-blocking connect() ended; no segment is sent",
		"读取套接字的一个选项；SO_ERROR 读出套接字上待处理的错误并清除它，程序就是这样得知非阻塞 "
		"connect() 的结果的；不发送任何报文段" } },
	[CALL_FCNTL] = { "call_fcntl", {
		"changes the descriptor's flags; F_SETFL with O_NONBLOCK makes the socket non-blocking (as "
		"ioctl(FIONBIO) does): a call that would wait returns at once, accept(), read() and write() "
		"with -1 EAGAIN, connect() with -1 EINPROGRESS",
		"修改描述符的标志；带 O_NONBLOCK 的 F_SETFL 使套接字成为非阻塞的（ioctl(FIONBIO) 也一样）："
		"需要等待的调用会立即返回，accept()、read() 和 write() 返回 -1 EAGAIN，connect() 返回 -1 "
		"EINPROGRESS" } },
	[CALL_EPOLL_CTL] = { "call_epoll_ctl", {
		"adds a descriptor to an epoll set, or changes or removes it, with the events to wait for "
		"(EPOLLIN: data to read, or a connection to accept; EPOLLOUT: room to write, or a non-blocking "
		"connect() finished); sends nothing",
		"把一个描述符加入 epoll 集合，或修改、删除它，并指定要等待的事件（EPOLLIN：有数据可读，或有连接"
		"可以 accept；EPOLLOUT：可以写，或非阻塞的 connect() 已结束）；不发送任何东西" } },
	[CALL_EPOLL_CREATE] = { "call_epoll_create", {
		"makes an epoll set, a list the kernel keeps of the descriptors a program waits on, and "
		"returns its descriptor; epoll_ctl adds sockets to it, epoll_wait sleeps until one of them is "
		"ready; sends nothing",
		"创建一个 epoll 集合（内核为程序保存的一张要等待的描述符的清单），返回它的描述符；epoll_ctl "
		"把套接字加进去，epoll_wait 睡眠直到其中某个就绪；不发送任何东西" } },
	[CALL_READV] = { "call_readv", {
		"like read(), copies received bytes out of the receive buffer, into several buffers in one call",
		"和 read() 一样把收到的字节从接收缓冲区复制出来，只是一次调用写入多个缓冲区" } },
	[CALL_WRITEV] = { "call_writev", {
		"like write(), copies bytes into the kernel's send buffer, from several buffers in one call "
		"(a header and a body go out together)",
		"和 write() 一样把字节复制到内核的发送缓冲区，只是一次调用取自多个缓冲区（头部和正文一起发出）" } },
	[CALL_RECVMSG] = { "call_recvmsg", {
		"receives bytes (TCP) or a datagram (UDP) into several buffers, with the sender's address and "
		"control messages (ancillary data) from the kernel",
		"把字节（TCP）或一个数据报（UDP）接收到多个缓冲区，同时得到发送方的地址和内核给出的控制消息"
		"（辅助数据）" } },
	[CALL_SENDMSG] = { "call_sendmsg", {
		"sends bytes (TCP) or a datagram (UDP) from several buffers, with an address and control "
		"messages (ancillary data) if given",
		"从多个缓冲区发送字节（TCP）或一个数据报（UDP），可以带上地址和控制消息（辅助数据）" } },
	[CALL_SENDFILE] = { "call_sendfile", {
		"copies bytes from a file into the socket's send buffer inside the kernel, without passing "
		"them through the program",
		"在内核里把字节从文件复制到套接字的发送缓冲区，不经过程序本身" } },
	[CALL_DUP] = { "call_dup", {
		"makes another descriptor for the same socket; the connection is closed only when its last "
		"descriptor is",
		"为同一个套接字再建一个描述符；只有关闭它的最后一个描述符时连接才会关闭" } },
	[CALL_CLOSE_RANGE] = { "call_close_range", {
		"closes every descriptor in a range in one call; for each socket whose last descriptor it was, "
		"the kernel sends FIN (or RST if unread data is queued)",
		"一次调用关闭一个范围内的所有描述符；对每个因此失去最后一个描述符的套接字，内核发出 FIN"
		"（如果还有未读的数据，则发出 RST）" } },
	[CALL_IO_URING_ENTER] = { "call_io_uring_enter", {
		"the one system call of an io_uring program: hands the kernel the operations queued in the "
		"submission ring and sleeps until at least one of them is complete; the receiving and sending "
		"happen inside the kernel, so a system-call tracer sees this call and no read() or write()",
		"io_uring 程序唯一的系统调用：把提交队列里排好的操作交给内核，然后睡眠，直到至少一个操作完成；"
		"接收和发送都在内核里进行，所以跟踪系统调用只看得到这个调用，看不到 read() 或 write()" } },
	[OP_SUBMIT] = { "op_submit", {
		"queues a whole operation for the kernel to do (a proactor): nothing is done now and the {who} "
		"does not wait for it; the kernel does it later (a recv copies the data into the {who}'s buffer "
		"when it arrives) and posts a completion with the same op id",
		"把一个完整的操作交给内核去做（Proactor）：现在什么也没做，{who}也不等它；内核稍后完成它"
		"（recv 会在数据到达时把数据拷进{who}的缓冲区），然后发出一个带同一操作编号的完成事件" } },
	[OP_COMPLETE] = { "op_complete", {
		"the kernel finished an operation submitted earlier (same op id). A reactor is told \"ready, now "
		"read\" and then calls read() itself; a proactor is told \"done, here is what was read\": the "
		"bytes are already in its buffer, the result is their count (for accept, the new socket's "
		"descriptor), and the {who} made no read() call",
		"内核完成了之前提交的一个操作（同一个操作编号）。Reactor 得到的消息是“就绪了，现在去读”，"
		"然后自己调用 read()；Proactor 得到的消息是“完成了，这是读到的数据”：字节已经在它的缓冲区里，"
		"结果是字节数（accept 则是新套接字的描述符），{who}没有调用 read()" } },
	[RESULT_ACCEPT_EAGAIN] = { "result_accept_eagain", {
		"-1 EAGAIN: no finished connection is in the accept queue yet; the listening socket is "
		"non-blocking, so accept returns at once instead of waiting; the {who} waits in epoll (or "
		"poll) until the listening socket is readable, then calls accept again",
		"-1 EAGAIN：accept 队列里还没有已完成握手的连接；监听套接字是非阻塞的，所以 accept 立即返回，"
		"而不是等待；{who}在 epoll（或 poll）中等待，直到监听套接字可读，再次调用 accept" } },
	[RESULT_EAGAIN] = { "result_eagain", {
		"-1 EAGAIN: the call would have to wait (no data received yet, or the send buffer is full); "
		"the socket is non-blocking, so it returns at once instead; the {who} waits in epoll (or "
		"poll) until the socket is ready, then tries again",
		"-1 EAGAIN：这个调用本来需要等待（还没有收到数据，或发送缓冲区已满）；套接字是非阻塞的，所以它"
		"立即返回；{who}在 epoll（或 poll）中等待，直到套接字就绪，再试一次" } },
	[RESULT_CONNECT_EINPROGRESS] = { "result_connect_einprogress", {
		"-1 EINPROGRESS: the socket is non-blocking; the SYN is sent and the handshake goes on in the "
		"kernel; the {who} learns the result when the socket becomes writable (epoll or poll says "
		"so) and getsockopt(SO_ERROR) says 0 or the error",
		"-1 EINPROGRESS：套接字是非阻塞的；SYN 已经发出，握手在内核里继续；当套接字变为可写（epoll 或 "
		"poll 会告诉它），并且 getsockopt(SO_ERROR) 给出 0 或错误时，{who}才知道结果" } },
	[RESULT_SO_ERROR_NONE] = { "result_so_error_none", {
		"SO_ERROR is 0: no error is pending on the socket; after a non-blocking connect() this means "
		"the handshake finished and the connection is open",
		"SO_ERROR 是 0：套接字上没有待处理的错误；在非阻塞的 connect() 之后，这表示握手已完成，连接已打开" } },
	[RESULT_SO_ERROR_SET] = { "result_so_error_set", {
		"SO_ERROR holds an error, now cleared: after a non-blocking connect() it says why the "
		"connection did not open (ECONNREFUSED: the peer answered the SYN with RST; ETIMEDOUT: no answer came)",
		"SO_ERROR 带有一个错误，读取后已清除：在非阻塞的 connect() 之后，这表示连接因它而失败"
		"（ECONNREFUSED：对方用 RST 回答了 SYN；ETIMEDOUT：一直没有回答）" } },
	[RESULT_WAIT_TIMEOUT] = { "result_wait_timeout", {
		"= 0: the timeout passed and no descriptor became ready (a timeout of 0 only looks and never "
		"waits)",
		"= 0：超时已过，没有描述符就绪（超时为 0 时只是看一眼，从不等待）" } },
	[ARG_EPOLLEXCLUSIVE] = { "arg_epollexclusive", {
		"EPOLLEXCLUSIVE (Linux 4.5 and later): when the epoll sets of several processes watch this one "
		"socket, a connection that arrives wakes one or more of the processes waiting in epoll_wait(), "
		"not every one of them; without it every waiter wakes for one connection (the thundering herd)",
		"EPOLLEXCLUSIVE（Linux 4.5 起）：当多个进程的 epoll 集合都在监视同一个套接字时，到来的一个连接"
		"只唤醒在 epoll_wait() 里等待的进程中的一个或几个，而不是全部；没有它，一个连接会唤醒所有等待者"
		"（惊群）" } },
	[NOTE_ICMP_SOFT] = { "icmp_soft", {
		"soft error: the connection is already established, so Linux keeps it and keeps "
		"retransmitting; the error (about the {who}'s seq={seq}) is reported to the {who}'s program "
		"only if the connection later times out, or at once with IP_RECVERR (RFC 1122 4.2.3.9)",
		"软错误：连接已经建立，所以 Linux 保留它并继续重传；这个差错（关于{who}的 seq={seq}）只有在"
		"连接之后超时时才报告给{who}的程序，设置了 IP_RECVERR 时才立即报告（RFC 1122 4.2.3.9）" } },
	[NOTE_ICMP_OUT_OF_WINDOW] = { "icmp_out_of_window", {
		"ICMP error ignored: the sequence number it quotes (seq={seq}) is not one the {who} has sent "
		"and not yet had acknowledged (SND.UNA..SND.NXT), so it is stale or forged (Linux counts it "
		"in OutOfWindowIcmps)",
		"ICMP 差错被忽略：它引用的序号（seq={seq}）不是{who}已发出而尚未被确认的（SND.UNA..SND.NXT），"
		"所以它是过时的或伪造的（Linux 把它计入 OutOfWindowIcmps）" } },
	[NOTE_ICMP_PMTU] = { "icmp_pmtu", {
		"not an error: \"fragmentation needed\" or \"packet too big\" says the path takes smaller "
		"packets; the {who} lowers its path MTU and resends in smaller segments (path MTU discovery, "
		"RFC 1191, RFC 8201)",
		"不是差错：“需要分片”或“分组太大”表示这条路径只能通过更小的分组；{who}降低它的路径 MTU，"
		"用更小的报文段重发（路径 MTU 发现，RFC 1191、RFC 8201）" } },
	[NOTE_ICMP_NOT_ACTED_ON] = { "icmp_not_acted_on", {
		"ICMP message ignored by TCP: Linux does not act on source quench, redirects (they change the "
		"route, not the connection) or unknown codes; the {who}'s connection goes on",
		"TCP 忽略这个 ICMP 报文：Linux 不理会源抑制、重定向（它们改变路由，而不是连接）和未知的代码；"
		"{who}的连接继续" } },
	[NOTE_ICMP_HALF_OPEN_KEPT] = { "icmp_half_open_kept", {
		"ICMP error ignored: the {who}'s half-open connection (SYN_RCVD, still a request in the "
		"listening socket's queue) is dropped only for host or network unreachable, time exceeded or "
		"parameter problem; the SYN|ACK will be retransmitted",
		"ICMP 差错被忽略：{who}的未完成连接（SYN_RCVD，仍是监听套接字队列里的一个请求）只有在主机"
		"或网络不可达、超时或参数问题时才被丢弃；SYN|ACK 会被重传" } },
	[NOTE_ICMP_NO_CONNECTION] = { "icmp_no_connection", {
		"ICMP error about a TCP segment of a connection this capture does not track (it ended, or "
		"began before the capture): it changes no state",
		"这个 ICMP 差错针对的 TCP 报文段属于抓包没有跟踪的连接（它已经结束，或者在抓包开始之前就开始了）："
		"它不改变任何状态" } },
	[NOTE_ICMP_SOCKET_BUSY] = { "icmp_socket_busy", {
		"soft error: the error came while the {who}'s program was inside a call on the socket (on "
		"loopback it comes back at once, while connect() is still sending the SYN), and Linux only "
		"notes an error then (tcp_v4_err, tcp_v6_err: sock_owned_by_user); the {who} sent the segment again, so "
		"the connection went on",
		"软错误：这个差错到达时，{who}的程序正在这个套接字上执行一个调用（在回环接口上它会立即返回，"
		"此时 connect() 还在发送 SYN），这时 Linux 只记下这个差错（tcp_v4_err、tcp_v6_err：sock_owned_by_user）；"
		"{who}再次发送了这个报文段，所以连接继续" } },
	[ICMP_ERROR] = { "icmp_error", {
		"an ICMP error: a router or host on the path reports that a packet could not be delivered or "
		"was dropped, and quotes the start of it, the {who}'s segment (seq={seq}); the kernel finds "
		"the connection by the quoted ports and decides what the error does to it",
		"一个 ICMP 差错：路径上的路由器或主机报告某个分组无法送达或被丢弃，并引用它的开头，也就是{who}的"
		"报文段（seq={seq}）；内核根据引用中的端口找到连接，再决定这个差错对连接做什么" } },
	[ICMP_WHAT] = { "icmp_what", {
		"ICMP (RFC 792; ICMPv6, RFC 4443) is IP's own error and control messages: IP has no way to say "
		"that a packet was not delivered, so the host or router that gave up sends an ICMP message back "
		"to the packet's source, carried in IP itself, quoting the packet's first bytes (IP header and "
		"the start of TCP) so the sender's kernel can tell which socket it is about",
		"ICMP（RFC 792；ICMPv6 为 RFC 4443）是 IP 自己的差错报告和控制报文：IP 本身无法表达“分组没有送到”，"
		"所以放弃这个分组的主机或路由器把一个 ICMP 报文发回分组的源地址，它本身也装在 IP 数据报里，"
		"并引用原分组开头的字节（IP 首部和 TCP 首部的开头），让发送方的内核知道它说的是哪个套接字" } },
	[ICMP_MEANS_PORT_UNREACHABLE] = { "icmp_means_port_unreachable", {
		"port unreachable means the destination host got the packet but nothing there takes it on that "
		"port; for TCP Linux itself answers a closed port with a RST, so this error comes from a firewall "
		"rule (nftables reject with icmp port-unreachable) or from a UDP port",
		"端口不可达表示目的主机收到了分组，但那个端口上没有谁接收它；对 TCP，Linux 自己会用 RST 回答一个"
		"关闭的端口，所以这个差错来自防火墙规则（nftables 的 reject with icmp port-unreachable），"
		"或者来自 UDP 端口" } },
	[ICMP_MEANS_UNREACHABLE] = { "icmp_means_unreachable", {
		"destination unreachable means a router or the last hop found no way to the host or network "
		"(no route, no answer to ARP or neighbour discovery, or a rule that forbids it); while the "
		"connection is still opening, Linux gives up on it at once",
		"目的不可达表示路由器或最后一跳找不到通往该主机或网络的路（没有路由、ARP 或邻居发现没有回答、"
		"或者有规则禁止）；连接还在建立时，Linux 会立即放弃这个连接" } },
	[ICMP_MEANS_TOO_BIG] = { "icmp_means_too_big", {
		"fragmentation needed (IPv4, with DF set) or packet too big (IPv6) means a link on the path "
		"takes smaller packets than were sent; the message says the largest it takes (the MTU) and TCP "
		"sends smaller segments from then on",
		"需要分片（IPv4，设置了 DF）或分组太大（IPv6）表示路径上有一段链路只能通过比发出的更小的分组；"
		"报文给出它能通过的最大长度（MTU），TCP 此后发送更小的报文段" } },
	[ICMP_MEANS_TIME_EXCEEDED] = { "icmp_means_time_exceeded", {
		"time exceeded means a router decremented the packet's TTL (hop limit in IPv6) to zero and "
		"dropped it: a routing loop, or a path longer than the TTL (traceroute uses exactly this)",
		"超时表示某个路由器把分组的 TTL（IPv6 中为跳数限制）减到了零并丢弃了它：可能有路由环路，"
		"或者路径比 TTL 还长（traceroute 正是利用这一点）" } },
	[ARP_REQUEST_ROW] = { "arp_request", {
		"ARP request: this host has an IPv4 packet for a neighbour on its own link but does not know the "
		"neighbour's link-layer (MAC) address, so it broadcasts \"who has this IP address?\" to every "
		"host on the link (destination ff:ff:ff:ff:ff:ff); the segment waits in the kernel meanwhile",
		"ARP 请求：这台主机有一个 IPv4 分组要发给同一链路上的邻居，但不知道邻居的链路层（MAC）地址，"
		"于是向链路上的所有主机广播“谁有这个 IP 地址？”（目的地址 ff:ff:ff:ff:ff:ff）；"
		"在此期间报文段在内核中等待" } },
	[ARP_REPLY_ROW] = { "arp_reply", {
		"ARP reply: the host that has the address answers the asker alone (unicast) with its MAC "
		"address; the asker keeps it in its neighbour table (ip neigh) and sends the waiting packet, "
		"and the answering host learned the asker's address from the request, so it does not ask back",
		"ARP 回答：拥有这个地址的主机只向提问者（单播）回答自己的 MAC 地址；提问者把它记在邻居表中"
		"（ip neigh）并发出等待的分组，而回答者已经从请求中学到了提问者的地址，所以不必反问" } },
	[ARP_WHAT] = { "arp_what", {
		"ARP (RFC 826) sits below IP: an IP address says which host a packet is for, but an Ethernet "
		"frame is delivered by MAC address, so before IP (and TCP above it) can send to the next hop the "
		"kernel must learn that hop's link-layer address; loopback (lo) has no link-layer addresses, so "
		"on lo there is never ARP: it appears only on a real or veth link",
		"ARP（RFC 826）位于 IP 之下：IP 地址说明分组要交给哪台主机，但以太网帧是按 MAC 地址投递的，"
		"所以在 IP（以及它上面的 TCP）向下一跳发送之前，内核必须先知道下一跳的链路层地址；"
		"环回接口（lo）没有链路层地址，所以在 lo 上永远看不到 ARP，只有在真实链路或 veth 链路上才会出现" } },
};

static const char *const role_words[LANG_COUNT][2] = {
	[LANG_EN] = { "client", "server" },
	[LANG_ZH] = { "客户端", "服务器" },
};

const char *why_key(enum tcp_why w)
{
	return (unsigned)w < WHY_COUNT ? rows[w].key : "";
}

int why_parse(const char *key)
{
	for (int w = 1; w < WHY_COUNT; w++)
		if (strcmp(key, rows[w].key) == 0)
			return w;
	return -1;
}

const char *why_role_word(enum lang lang, bool server)
{
	return role_words[(unsigned)lang < LANG_COUNT ? lang : LANG_EN][server];
}

const char *why_end_reason(enum lang lang, const char *reason)
{
	static const char *const reasons[][LANG_COUNT] = {
		{"closed", "已关闭"},
		{"time_wait expired", "TIME_WAIT 到期"},
		{"idle", "空闲"},
		{"evicted", "被挤出连接表"},
		{"capture ended", "抓包结束"},
		{"4-tuple reused", "四元组被新连接重用"},
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reason, reasons[i][LANG_EN]) == 0)
			return reasons[i][(unsigned)lang < LANG_COUNT ? lang : LANG_EN];
	return reason;
}

const char *why_sentence_end(enum lang lang)
{
	return lang == LANG_ZH ? "。" : ". ";
}

int why_format(enum tcp_why w, enum lang lang, bool who_server, uint32_t seq, uint32_t ack, char *buf,
	       size_t n)
{
	return why_format_numbers(w, lang, who_server, &(struct why_numbers){seq, ack, 0}, buf, n);
}

/* Hand-rolled rather than snprintf, on the one appender (common/json.h):
 * the text timeline renders a sentence for most segments of a trace. */
int why_format_numbers(enum tcp_why w, enum lang lang, bool who_server, const struct why_numbers *nums,
		       char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);
	const char *tmpl;

	if (n == 0)
		return -1;
	buf[0] = '\0';
	if ((unsigned)w >= WHY_COUNT || (unsigned)lang >= LANG_COUNT)
		return -1;
	tmpl = rows[w].text[lang];
	while (*tmpl) {
		const char *open = strchr(tmpl, '{');

		if (open != tmpl) {
			size_t len = open ? (size_t)(open - tmpl) : strlen(tmpl);

			outbuf_mem(&o, tmpl, len);
			tmpl += len;
		} else if (strncmp(tmpl, "{who}", 5) == 0) {
			outbuf_lit(&o, role_words[lang][who_server]);
			tmpl += 5;
		} else if (strncmp(tmpl, "{peer}", 6) == 0) {
			outbuf_lit(&o, role_words[lang][!who_server]);
			tmpl += 6;
		} else if (strncmp(tmpl, "{seq}", 5) == 0) {
			outbuf_u64(&o, nums->seq);
			tmpl += 5;
		} else if (strncmp(tmpl, "{ack}", 5) == 0) {
			outbuf_u64(&o, nums->ack);
			tmpl += 5;
		} else if (strncmp(tmpl, "{len}", 5) == 0) {
			outbuf_u64(&o, nums->len);
			tmpl += 5;
		} else { /* not a placeholder: kept, so a test sees the typo */
			outbuf_char(&o, '{');
			tmpl++;
		}
	}
	if (outbuf_finish(&o) < 0) {
		buf[0] = '\0';
		return -1;
	}
	return (int)o.pos;
}
