/* screen_words.c: the lab screen's words in English and Chinese. */
#include "screen_words.h"

#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errtext.h"
#include "why.h"

static const char *const help_en[] = {
	"socklab keys",
	"",
	"  j k  Down Up       next / previous row (the lanes show the states at that row)",
	"  g G  Home End      first / last row (G follows new rows again)",
	"  PgUp PgDn          a page up / down",
	"  f                  pause / follow the live capture",
	"  space              --step: let the next socket call run",
	"  Tab  c / C         next / previous connection;  a  every connection",
	"  l                  list the connections with their states",
	"  d  Enter           every field of the selected packet or call",
	"  /  n  N            search rows; next / previous match",
	"  z                  zoom (big, for a projector)",
	"  r                  record to socklab-TIME.jsonl/.pcapng (live)",
	"  p  + -             replay: play / pause, faster, slower",
	"  ?                  this help        q  quit (or close a window)",
};

static const char *const help_zh[] = {
	"socklab 按键",
	"",
	"  j k  Down Up       下一行 / 上一行（两侧显示该行时刻的状态）",
	"  g G  Home End      第一行 / 最后一行（G 重新跟随新行）",
	"  PgUp PgDn          上 / 下翻一页",
	"  f                  暂停 / 跟随实时抓包",
	"  space              --step：放行下一个套接字调用",
	"  Tab  c / C         下一个 / 上一个连接；  a  全部连接",
	"  l                  列出连接及其状态",
	"  d  Enter           所选报文段或调用的全部字段",
	"  /  n  N            搜索行；下一个 / 上一个匹配",
	"  z                  放大（投影用）",
	"  r                  录制到 socklab-时间.jsonl/.pcapng（实时）",
	"  p  + -             回放：播放 / 暂停，加快，减慢",
	"  ?                  本帮助            q  退出（或关闭窗口）",
};

static const struct screen_words words_en = {
	.packets = "packets",
	.drops = "drops",
	.following = "following",
	.paused = "paused",
	.playing = "playing",
	.rows_dropped = "%llu old rows dropped",
	.rows_skipped = "%llu packets of other connections not listed",
	.rows_not_kept = "%s: %s, %s (the timeline keeps %d rows): export one connection (--conn N), or cut the "
			 "file (editcap -r)",
	.calls_lost = "CALLS LOST %llu",
	.kernel_lost = "KERNEL RECORDS LOST %llu",
	.rec = "REC %s",
	.mode_live = "live",
	.mode_recording = "live recording",
	.mode_demo = "demo %s",
	.mode_replay = "replay x%g",
	.mode_step = " (step)",
	.icmp_errors = "icmp errors",
	.keys = "j/k move  g/G start/end  f follow  Tab conn  l list  d details  / search  z zoom  ? help  q quit",
	.search = "/%s_   (Enter: find, Esc: cancel)",
	.step_waiting = "space: let %s run (%zu waiting)  j/k move  Tab conn  ? help  q quit",
	.next_call = "the next call",
	.help = help_en,
	.nhelp = (int)(sizeof(help_en) / sizeof(help_en[0])),
	.help_title = " help ",
	.too_small = "terminal too small: %dx%d; socklab needs at least %dx%d (make the window bigger, or use --plain)",
	.no_rows_live = "waiting for connections and socket calls...",
	.no_rows_replay = "the recording has no rows",
	.explanation = " explanation ",
	.conns_title = " connections (j/k, Enter shows one) ",
	.conn_line = "client %-11s server %-11s %llu pkts%s",
	.conn_ended = " (ended)",
	.no_conn = "no connection seen yet",
	.time_unit = "    time s",
	.lane = {"CLIENT", "SERVER"},
	.countdown = "TIME_WAIT %llus",
	.connection = "connection #%u",
	.all_connections = "all connections",
	.released = "released: %s",
	.colon = ": ",
	.some_call = "a socket call",
	.failed = "failed with %s",
	.blocked = "blocked %.3f ms",
	.conn_released = "connection #%u released (%s): client %s, server %s",
	.d_time = "time +%.6f s (%llu ns), connection #%u\n",
	.d_from_to = "from %s to %s (%s)\n",
	.d_c2s = "client to server",
	.d_s2c = "server to client",
	.d_flags = "flags %s\n",
	.d_seq = "seq %u (absolute %u)\n",
	.d_ack = "ack %u (absolute %u)\n",
	.d_window_scaled = "window %u (the field says %u, scaled by the sender's wscale), payload %u bytes\n",
	.d_window = "window %u, payload %u bytes\n",
	.d_opt_cut = "options cut by the capture's snaplen (the rest of them is unknown)\n",
	.d_opt_mss = "option MSS %u\n",
	.d_opt_wscale = "option window scale %u (window x %u)\n",
	.d_opt_sack_perm = "option SACK permitted\n",
	.d_opt_sack = "option SACK block %u-%u\n",
	.d_opt_ts = "option timestamps val %u ecr %u\n",
	.d_payload = "payload \"%s\"\n",
	.d_retrans = "retransmission\n",
	.d_midstream = "joined mid-stream (handshake not captured)\n",
	.d_note = "note: %s\n",
	.d_call = "%s pid %d, call #%ld: %s (%s)\n",
	.d_returned_word = "returned",
	.d_entered_word = "entered",
	.d_args = "fd %d, arguments: %s\n",
	.d_returned = "returned %lld%s%s, blocked %.3f ms\n",
	.d_errno = ", errno ",
	.d_local = "local %s\n",
	.d_peer = "peer %s\n",
	.d_data = "data \"%s\"\n",
	.d_after = "client %s, server %s after this row",
	.recording_to = "recording to %s.jsonl and %s.pcapng",
	.record_live_only = "recording works while capturing live",
	.demo_what = "demo %s: %s",
	.wire_hosts = "two hosts: socklab host server -- bin/echo-server -b %s; socklab host client -- bin/echo-client %s",
	.joined = "%s pid %d joined: %s",
	.no_step_waiting = "no program is waiting (start them with --step)",
	.already_recording = "already recording to %s",
	.record_failed = "%s",
	.record_stopped = "%s (recording stopped)",
	.step_gone = "step: the program that asked has gone",
	.record_write_failed = "recording: write failed",
	.record_ignored = "event channel: a record was ignored: %s",
	.records_lost = "%s (a lab program's records were lost)",
	.calls_lost_one = "%llu call of %s pid %d lost",
	.calls_lost_many = "%llu calls of %s pid %d lost",
	.bad_json = "not valid JSON: %s (column %d)",
	.not_object = "expected an object",
	.missing_field = "%s: missing field '%s'",
	.field_not = "%s: field '%s' is not %s",
	.want = {"an integer", "a string", "an endpoint like 127.0.0.1:8080", "a TCP state name",
		 "\"client\" or \"server\"", "an object", "a list of TCP flags like \"SYN|ACK\"",
		 "\"enter\" or \"exit\"", "an address like 127.0.0.1", "\"request\" or \"reply\"",
		 "a MAC address like 02:00:00:00:00:01"},
	.file_error = "record %s: %s",
	.short_write = "short write",
	.name_too_long = "name too long",
	.out_of_memory = "out of memory",
	.port_in_use = "port %d is already in use by %s: echo-server cannot listen there; stop it, or use -p PORT on both",
	.port_holder = "%s (pid %ld)",
	.port_holder_unnamed = "a program",
	.port_holder_other_user = "another user's program",
	.kview_host = {"client", "server"},
	.kview_failed = "kernel view of the %s host: %s",
	.kview_stopped = "kernel view of the %s host stopped: %s",
	.kview_no_memory = "kernel view: out of memory",
	.kernel_row = "kernel: resent %u, RTO %u ms",
	.kernel_explain = "The %s's kernel says (its tcp_info, polled with sock_diag): it has sent %u segments again "
			  "over this connection (total_retrans); the one at the head of its queue has waited for %u "
			  "retransmission timeouts (retransmits: 0 after a tail loss probe or a fast retransmit); its "
			  "RTO is now %u ms.",
	.layers_title = " details  Tab/←→ layer  j/k scroll  Esc close ",
	.layers_frame = "frame: %u bytes captured, %u on the wire, link type %s",
	.layers_cut = "the capture kept %u of %u bytes (its snaplen): the rest was not captured",
	.layers_bytes = "bytes (the selected layer highlighted)",
	.layers_none_file = "no captured bytes for this row: a recording keeps them in FILE.pcapng next to FILE.jsonl, and there is none",
	.layers_none = "no captured bytes for this row (the frame was not kept)",
	.layers_as_read = "as socklab reads it",
	.not_a_terminal = "not a terminal: use --plain for text output",
	.no_curses = "cannot start curses on this terminal (TERM=%s): use --plain",
};

static const struct screen_words words_zh = {
	.packets = "报文段",
	.drops = "丢弃",
	.following = "跟随中",
	.paused = "已暂停",
	.playing = "播放中",
	.rows_dropped = "丢掉了 %llu 个旧行",
	.rows_skipped = "其他连接的 %llu 个报文段未列出",
	.rows_not_kept = "%s：%s，%s（时间线最多保留 %d 行）：只导出一个连接（--conn N），或先切短文件（editcap -r）",
	.calls_lost = "丢失调用 %llu",
	.kernel_lost = "丢失内核记录 %llu",
	.rec = "录制 %s",
	.mode_live = "实时",
	.mode_recording = "实时录制",
	.mode_demo = "演示 %s",
	.mode_replay = "回放 x%g",
	.mode_step = "（单步）",
	.icmp_errors = "ICMP 差错报文",
	.keys = "j/k 移动  g/G 开头/结尾  f 跟随  Tab 连接  l 列表  d 详情  / 搜索  z 放大  ? 帮助  q 退出",
	.search = "/%s_   （回车：查找，Esc：取消）",
	.step_waiting = "空格：放行 %s（%zu 个在等待）  j/k 移动  Tab 连接  ? 帮助  q 退出",
	.next_call = "下一个调用",
	.help = help_zh,
	.nhelp = (int)(sizeof(help_zh) / sizeof(help_zh[0])),
	.help_title = " 帮助 ",
	.too_small = "终端太小：%dx%d；socklab 至少需要 %dx%d（把窗口调大，或者使用 --plain）",
	.no_rows_live = "等待连接和套接字调用……",
	.no_rows_replay = "这个录制里没有任何行",
	.explanation = " 讲解 ",
	.conns_title = " 连接（j/k 选择，回车显示） ",
	.conn_line = "客户端 %-11s 服务器 %-11s %llu 个报文段%s",
	.conn_ended = "（已结束）",
	.no_conn = "还没有看到连接",
	.time_unit = "时间（秒）",
	.lane = {"客户端", "服务器"},
	.countdown = "TIME_WAIT %llu秒",
	.connection = "连接 #%u",
	.all_connections = "全部连接",
	.released = "已释放：%s",
	.colon = "：",
	.some_call = "一个套接字调用",
	.failed = "失败：%s",
	.blocked = "阻塞了 %.3f 毫秒",
	.conn_released = "连接 #%u 已释放（%s）：客户端 %s，服务器 %s",
	.d_time = "时间 +%.6f 秒（%llu 纳秒），连接 #%u\n",
	.d_from_to = "从 %s 到 %s（%s）\n",
	.d_c2s = "客户端到服务器",
	.d_s2c = "服务器到客户端",
	.d_flags = "标志 %s\n",
	.d_seq = "seq %u（绝对值 %u）\n",
	.d_ack = "ack %u（绝对值 %u）\n",
	.d_window_scaled = "窗口 %u（字段值为 %u，按发送方的 wscale 放大），载荷 %u 字节\n",
	.d_window = "窗口 %u，载荷 %u 字节\n",
	.d_opt_cut = "选项被抓包的 snaplen 截断（其余未知）\n",
	.d_opt_mss = "选项 MSS %u\n",
	.d_opt_wscale = "选项 窗口扩大因子 %u（窗口 x %u）\n",
	.d_opt_sack_perm = "选项 允许 SACK\n",
	.d_opt_sack = "选项 SACK 块 %u-%u\n",
	.d_opt_ts = "选项 时间戳 val %u ecr %u\n",
	.d_payload = "载荷 “%s”\n",
	.d_retrans = "重传\n",
	.d_midstream = "中途加入（没有抓到握手）\n",
	.d_note = "注：%s\n",
	.d_call = "%s pid %d，第 %ld 个调用：%s（%s）\n",
	.d_returned_word = "已返回",
	.d_entered_word = "进入",
	.d_args = "fd %d，参数：%s\n",
	.d_returned = "返回 %lld%s%s，阻塞了 %.3f 毫秒\n",
	.d_errno = "，errno ",
	.d_local = "本地 %s\n",
	.d_peer = "对端 %s\n",
	.d_data = "数据 “%s”\n",
	.d_after = "这一行之后：客户端 %s，服务器 %s",
	.recording_to = "正在录制到 %s.jsonl 和 %s.pcapng",
	.record_live_only = "只有实时抓包时才能录制",
	.demo_what = "演示 %s：%s",
	.wire_hosts = "两台主机：socklab host server -- bin/echo-server -b %s；socklab host client -- bin/echo-client %s",
	.joined = "%s pid %d 已加入：%s",
	.no_step_waiting = "没有程序在等待（用 --step 启动它们）",
	.already_recording = "已经在录制到 %s",
	.record_failed = "无法录制：%s",
	.record_stopped = "%s（录制已停止）",
	.step_gone = "单步：发出请求的程序已经退出了",
	.record_write_failed = "录制：写入失败",
	.record_ignored = "事件通道：忽略了一条记录：%s",
	.records_lost = "%s（实验程序的记录丢失了）",
	.calls_lost_one = "丢失了 %llu 个调用（%s pid %d）",
	.calls_lost_many = "丢失了 %llu 个调用（%s pid %d）",
	.bad_json = "不是有效的 JSON：%s（第 %d 列）",
	.not_object = "应该是一个 JSON 对象",
	.missing_field = "%s：缺少字段“%s”",
	.field_not = "%s：字段“%s”不是%s",
	.want = {"整数", "字符串", "像 127.0.0.1:8080 这样的端点", "TCP 状态名", "“client”或“server”", "对象",
		 "像“SYN|ACK”这样的 TCP 标志列表", "“enter”或“exit”", "像 127.0.0.1 这样的地址", "“request”或“reply”",
		 "像 02:00:00:00:00:01 这样的 MAC 地址"},
	.file_error = "%s：%s",
	.short_write = "只写入了一部分",
	.name_too_long = "文件名太长",
	.out_of_memory = "内存不足",
	.port_in_use = "端口 %d 已被 %s 占用：echo-server 无法在这个端口监听；请停掉它，或者两边都用 -p 端口",
	.port_holder = "%s（pid %ld）",
	.port_holder_unnamed = "一个程序",
	.port_holder_other_user = "另一个用户的程序",
	.kview_host = {"客户端", "服务器"},
	.kview_failed = "%s主机的内核视图打不开：%s",
	.kview_stopped = "%s主机的内核视图停止了：%s",
	.kview_no_memory = "内核视图：内存不足",
	.kernel_row = "内核：重发 %u，RTO %u ms",
	.kernel_explain = "%s的内核说（它的 tcp_info，用 sock_diag 查询）：这个连接上它一共重发了 %u 个报文段"
			  "（total_retrans）；队首的那个已经等过 %u 次重传超时（retransmits：尾部丢失探测或快速重传之后是 0）；"
			  "它现在的 RTO 是 %u ms。",
	.layers_title = " 详情  Tab/←→ 切换层  j/k 滚动  Esc 关闭 ",
	.layers_frame = "帧：抓到 %u 字节，线路上 %u 字节，链路类型 %s",
	.layers_cut = "抓包只保留了 %u 字节（共 %u 字节，受 snaplen 限制）：其余部分没有抓到",
	.layers_bytes = "字节（选中的层高亮显示）",
	.layers_none_file = "这一行没有抓到的字节：录制文件把字节保存在 FILE.jsonl 旁边的 FILE.pcapng 中，而这里没有",
	.layers_none = "这一行没有抓到的字节（帧没有保留）",
	.layers_as_read = "socklab 的解读",
	.not_a_terminal = "不是终端：用 --plain 输出文本",
	.no_curses = "无法在这个终端上启动 curses（TERM=%s）：用 --plain",
};

const struct screen_words *screen_words(enum lang lang)
{
	return lang == LANG_ZH ? &words_zh : &words_en;
}

const char *screen_words_end_reason(enum lang lang, const char *reason)
{
	return why_end_reason(lang, reason); /* one table, socklab-trace's too */
}

enum lang screen_words_lang_from_env(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "zh", 2) == 0 ? LANG_ZH : LANG_EN;
	}
	return LANG_EN;
}

const char *screen_words_errno(enum lang lang, int err)
{
	static const struct {
		int err;
		const char *zh;
	} zh[] = {
		{ENOSPC, "设备上没有空间"},
		{EDQUOT, "超出磁盘配额"},
		{EACCES, "权限不够"},
		{EPERM, "不允许的操作"},
		{EROFS, "只读文件系统"},
		{ENOENT, "没有那个文件或目录"},
		{ENOTDIR, "路径中有一段不是目录"},
		{EISDIR, "是一个目录"},
		{EEXIST, "文件已存在"},
		{ELOOP, "是一个符号链接（不会跟随它）"},
		{ENAMETOOLONG, "文件名太长"},
		{EFBIG, "文件太大"},
		{EIO, "输入/输出错误"},
		{EMFILE, "打开的文件太多"},
		{ENFILE, "系统中打开的文件太多"},
		{ENOMEM, "内存不足"},
		{EPIPE, "对端已关闭"},
	};
	static _Thread_local char buf[160];
	const char *name;

	if (lang != LANG_ZH)
		return errtext(err);
	for (size_t i = 0; i < sizeof(zh) / sizeof(zh[0]); i++)
		if (zh[i].err == err)
			return zh[i].zh;
	name = strerrorname_np(err);
	snprintf(buf, sizeof(buf), "%s（%s）", errtext(err), name ? name : "?");
	return buf;
}

const char *screen_words_json_error(enum lang lang, int code, const char *text)
{
	static const struct {
		enum json_error_code code;
		const char *zh;
	} zh[] = {
		{json_error_invalid_syntax, "语法错误"},
		{json_error_premature_end_of_input, "记录在中途结束了"},
		{json_error_end_of_input_expected, "记录结束后还有多余的内容"},
		{json_error_invalid_utf8, "不是有效的 UTF-8"},
		{json_error_duplicate_key, "同一个字段出现了两次"},
		{json_error_numeric_overflow, "数值超出范围"},
		{json_error_null_character, "含有 NUL 字符"},
		{json_error_null_byte_in_key, "字段名里含有 NUL 字节"},
		{json_error_stack_overflow, "嵌套太深"},
		{json_error_out_of_memory, "内存不足"},
	};

	if (lang == LANG_ZH)
		for (size_t i = 0; i < sizeof(zh) / sizeof(zh[0]); i++)
			if ((int)zh[i].code == code)
				return zh[i].zh;
	return text;
}
