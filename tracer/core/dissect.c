/* dissect.c: a frame's layers and fields, for the details pane.
 *
 * decode.c reads what the model needs (a segment) and no more; this reads
 * every header field so a student sees what the stack wrote, byte by byte.
 * Both read only through bytes.h. Link types with a header socklab does
 * not name field by field (PPP, 802.11, ...) show it as one block: the IP
 * header is found where decode.c found it (its addresses). */
#include "dissect.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"

enum {
	ETH_HDR = 14, VLAN_HDR = 4, LOOP_HDR = 4, SLL_HDR = 16, SLL2_HDR = 20,
	IPV4_HDR = 20, IPV6_HDR = 40, TCP_HDR = 20, ICMP_HDR = 8, ARP_FIXED = 8,
	ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806, ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_8021Q = 0x8100, ETHERTYPE_8021AD = 0x88a8,
	IPV6_EXT_MAX = 8, TCP_OPT_MAX = 40,
	LINK_SEARCH_MAX = 160, /* how far into an unnamed link header the IP header is looked for */
};

static const char *const layer_names[DL_COUNT][LANG_COUNT] = {
	[DL_ETHERNET] = {"Ethernet II", "以太网 II"},
	[DL_VLAN] = {"802.1Q VLAN tag", "802.1Q VLAN 标签"},
	[DL_LOOPBACK] = {"Null/Loopback", "环回（Null/Loopback）"},
	[DL_SLL] = {"Linux cooked capture v1", "Linux cooked 抓包首部 v1"},
	[DL_SLL2] = {"Linux cooked capture v2", "Linux cooked 抓包首部 v2"},
	[DL_LINK_OTHER] = {"Link-layer header", "链路层首部"},
	[DL_IPV4] = {"Internet Protocol Version 4", "网际协议版本 4（IPv4）"},
	[DL_IPV6] = {"Internet Protocol Version 6", "网际协议版本 6（IPv6）"},
	[DL_TCP] = {"Transmission Control Protocol", "传输控制协议（TCP）"},
	[DL_ICMP] = {"Internet Control Message Protocol", "网际控制报文协议（ICMP）"},
	[DL_ICMPV6] = {"Internet Control Message Protocol v6", "网际控制报文协议 v6（ICMPv6）"},
	[DL_ARP] = {"Address Resolution Protocol", "地址解析协议（ARP）"},
	[DL_PAYLOAD] = {"Data", "数据（载荷）"},
};

/* The words inside values and summaries ("20 bytes", "request (1)"):
 * one table, English and Chinese, so a value reads in the pane's language.
 * Protocol names and tcpdump's words (SYN, IPv4, who-has, MSS) stay as
 * they are in both: they are what a student will read in any tool. */
enum dissect_word {
	DW_BYTES, DW_REQUEST, DW_REPLY, DW_YES, DW_KIND, DW_DONT_FRAGMENT, DW_MORE_FRAGMENTS,
	DW_TYPE, DW_CODE, DW_LEN, DW_PRI,
	DW_COUNT
};

static const char *const words[DW_COUNT][LANG_COUNT] = {
	[DW_BYTES] = {"bytes", "字节"},
	[DW_REQUEST] = {"request", "请求"},
	[DW_REPLY] = {"reply", "应答"},
	[DW_YES] = {"yes", "是"},
	[DW_KIND] = {"kind", "种类"},
	[DW_DONT_FRAGMENT] = {"Don't fragment", "不分片 (DF)"},
	[DW_MORE_FRAGMENTS] = {"More fragments", "还有分片 (MF)"},
	[DW_TYPE] = {"type", "类型"},
	[DW_CODE] = {"code", "代码"},
	[DW_LEN] = {"len", "长度"},
	[DW_PRI] = {"PRI", "优先级"},
};

/* The one table of fields: names in each language (Wireshark's English
 * labels; the Chinese of textbooks, 谢希仁《计算机网络》's terms), and how
 * tshark -T fields prints the same field. */
static const struct dissect_field_info fields[DF_COUNT] = {
	[DF_ETH_DST] = {{"Destination", "目的地址"}, "eth.dst", TSF_TEXT},
	[DF_ETH_SRC] = {{"Source", "源地址"}, "eth.src", TSF_TEXT},
	[DF_ETH_TYPE] = {{"Type", "类型"}, "eth.type", TSF_HEX4},
	[DF_VLAN_TCI] = {{"VLAN ID", "VLAN 标识"}, "vlan.id", TSF_DEC},
	[DF_VLAN_TYPE] = {{"Type", "类型"}, "vlan.etype", TSF_HEX4},
	[DF_LOOP_FAMILY] = {{"Family", "协议族"}, "null.family", TSF_DEC},
	[DF_SLL_PKTTYPE] = {{"Packet type", "包类型"}, "sll.pkttype", TSF_DEC},
	[DF_SLL_HATYPE] = {{"Link-layer address type", "链路层地址类型"}, "sll.hatype", TSF_DEC},
	[DF_SLL_HALEN] = {{"Link-layer address length", "链路层地址长度"}, "sll.halen", TSF_DEC},
	[DF_SLL_SRC] = {{"Source", "源地址"}, NULL, TSF_NONE},
	[DF_SLL_PROTO] = {{"Protocol", "协议"}, "sll.etype", TSF_HEX4},
	[DF_SLL_IFINDEX] = {{"Interface index", "接口索引"}, "sll.ifindex", TSF_DEC},
	[DF_LINK_HEADER] = {{"Header", "首部"}, NULL, TSF_NONE},
	[DF_IP_VERSION] = {{"Version", "版本"}, "ip.version", TSF_DEC},
	[DF_IP_HDR_LEN] = {{"Header Length", "首部长度"}, "ip.hdr_len", TSF_DEC},
	[DF_IP_DSFIELD] = {{"Differentiated Services Field", "区分服务"}, "ip.dsfield", TSF_HEX2},
	[DF_IP_LEN] = {{"Total Length", "总长度"}, "ip.len", TSF_DEC},
	[DF_IP_ID] = {{"Identification", "标识"}, "ip.id", TSF_HEX4},
	[DF_IP_FLAGS] = {{"Flags", "标志"}, "ip.flags", TSF_HEX2},
	[DF_IP_FRAG_OFFSET] = {{"Fragment Offset", "片偏移"}, "ip.frag_offset", TSF_DEC},
	[DF_IP_TTL] = {{"Time to Live", "生存时间"}, "ip.ttl", TSF_DEC},
	[DF_IP_PROTO] = {{"Protocol", "协议"}, "ip.proto", TSF_DEC},
	[DF_IP_CHECKSUM] = {{"Header Checksum", "首部检验和"}, "ip.checksum", TSF_HEX4},
	[DF_IP_SRC] = {{"Source Address", "源地址"}, "ip.src", TSF_TEXT},
	[DF_IP_DST] = {{"Destination Address", "目的地址"}, "ip.dst", TSF_TEXT},
	[DF_IP_OPTIONS] = {{"Options", "选项"}, NULL, TSF_NONE},
	[DF_IP6_TCLASS] = {{"Traffic Class", "通信量类"}, "ipv6.tclass", TSF_HEX8},
	[DF_IP6_FLOW] = {{"Flow Label", "流标号"}, "ipv6.flow", TSF_HEX6},
	[DF_IP6_PLEN] = {{"Payload Length", "有效载荷长度"}, "ipv6.plen", TSF_DEC},
	[DF_IP6_NXT] = {{"Next Header", "下一个首部"}, "ipv6.nxt", TSF_DEC},
	[DF_IP6_HLIM] = {{"Hop Limit", "跳数限制"}, "ipv6.hlim", TSF_DEC},
	[DF_IP6_SRC] = {{"Source Address", "源地址"}, "ipv6.src", TSF_TEXT},
	[DF_IP6_DST] = {{"Destination Address", "目的地址"}, "ipv6.dst", TSF_TEXT},
	[DF_IP6_EXT] = {{"Extension Header", "扩展首部"}, NULL, TSF_NONE},
	[DF_TCP_SRCPORT] = {{"Source Port", "源端口"}, "tcp.srcport", TSF_DEC},
	[DF_TCP_DSTPORT] = {{"Destination Port", "目的端口"}, "tcp.dstport", TSF_DEC},
	[DF_TCP_SEQ] = {{"Sequence Number (raw)", "序号（原始值）"}, "tcp.seq_raw", TSF_DEC},
	[DF_TCP_ACK] = {{"Acknowledgment Number (raw)", "确认号（原始值）"}, "tcp.ack_raw", TSF_DEC},
	[DF_TCP_HDR_LEN] = {{"Header Length", "首部长度（数据偏移）"}, "tcp.hdr_len", TSF_DEC},
	[DF_TCP_FLAGS] = {{"Flags", "标志"}, "tcp.flags", TSF_HEX4},
	[DF_TCP_WINDOW] = {{"Window", "窗口"}, "tcp.window_size_value", TSF_DEC},
	[DF_TCP_CHECKSUM] = {{"Checksum", "检验和"}, "tcp.checksum", TSF_HEX4},
	[DF_TCP_URGENT] = {{"Urgent Pointer", "紧急指针"}, "tcp.urgent_pointer", TSF_DEC},
	[DF_TCP_OPTIONS] = {{"Options", "选项"}, NULL, TSF_NONE},
	[DF_TCP_OPT_MSS] = {{"Maximum segment size", "最大报文段长度 MSS"}, "tcp.options.mss_val", TSF_DEC},
	[DF_TCP_OPT_WSCALE] = {{"Window scale", "窗口扩大因子"}, "tcp.options.wscale.shift", TSF_DEC},
	[DF_TCP_OPT_SACK_PERM] = {{"SACK permitted", "允许选择确认 SACK"}, NULL, TSF_NONE},
	[DF_TCP_OPT_SACK] = {{"SACK", "选择确认 SACK"}, NULL, TSF_NONE},
	[DF_TCP_OPT_TSVAL] = {{"Timestamp value", "时间戳值"}, "tcp.options.timestamp.tsval", TSF_DEC},
	[DF_TCP_OPT_TSECR] = {{"Timestamp echo reply", "时间戳回显应答"}, "tcp.options.timestamp.tsecr", TSF_DEC},
	[DF_TCP_OPT_NOP] = {{"No-Operation (NOP)", "无操作（NOP）"}, NULL, TSF_NONE},
	[DF_TCP_OPT_EOL] = {{"End of Option List (EOL)", "选项表结束（EOL）"}, NULL, TSF_NONE},
	[DF_TCP_OPT_OTHER] = {{"Option", "选项"}, NULL, TSF_NONE},
	[DF_ICMP_TYPE] = {{"Type", "类型"}, NULL, TSF_NONE},
	[DF_ICMP_CODE] = {{"Code", "代码"}, NULL, TSF_NONE},
	[DF_ICMP_CHECKSUM] = {{"Checksum", "检验和"}, NULL, TSF_NONE},
	[DF_ICMP_REST] = {{"Rest of header", "首部其余部分"}, NULL, TSF_NONE},
	[DF_ICMP_MTU] = {{"MTU of next hop", "下一跳 MTU"}, NULL, TSF_NONE},
	[DF_ICMP_QUOTE] = {{"Quoted packet", "引用的原数据报"}, NULL, TSF_NONE},
	[DF_ARP_HTYPE] = {{"Hardware type", "硬件类型"}, "arp.hw.type", TSF_DEC},
	[DF_ARP_PTYPE] = {{"Protocol type", "协议类型"}, "arp.proto.type", TSF_HEX4},
	[DF_ARP_HLEN] = {{"Hardware size", "硬件地址长度"}, "arp.hw.size", TSF_DEC},
	[DF_ARP_PLEN] = {{"Protocol size", "协议地址长度"}, "arp.proto.size", TSF_DEC},
	[DF_ARP_OPCODE] = {{"Opcode", "操作"}, "arp.opcode", TSF_DEC},
	[DF_ARP_SHA] = {{"Sender MAC address", "发送方 MAC 地址"}, "arp.src.hw_mac", TSF_TEXT},
	[DF_ARP_SPA] = {{"Sender IP address", "发送方 IP 地址"}, "arp.src.proto_ipv4", TSF_TEXT},
	[DF_ARP_THA] = {{"Target MAC address", "目标 MAC 地址"}, "arp.dst.hw_mac", TSF_TEXT},
	[DF_ARP_TPA] = {{"Target IP address", "目标 IP 地址"}, "arp.dst.proto_ipv4", TSF_TEXT},
	[DF_DATA] = {{"Data", "数据"}, NULL, TSF_NONE},
};

const char *dissect_layer_name(enum dissect_layer_id id, enum lang lang)
{
	return (unsigned)id < DL_COUNT && (unsigned)lang < LANG_COUNT ? layer_names[id][lang] : "?";
}

const struct dissect_field_info *dissect_field_info(enum dissect_field_id id)
{
	return (unsigned)id < DF_COUNT ? &fields[id] : NULL;
}

const char *dissect_field_name(enum dissect_field_id id, enum lang lang)
{
	return (unsigned)id < DF_COUNT && (unsigned)lang < LANG_COUNT ? fields[id].name[lang] : "?";
}

int dissect_layer_at(const struct dissection *d, uint32_t off)
{
	for (int i = (int)d->nlayers - 1; i >= 0; i--)
		if (off >= d->layers[i].off && off - d->layers[i].off < d->layers[i].len)
			return i;
	return -1;
}

/* ---- building the dissection ---- */

struct dctx {
	struct bytes f; /* the whole frame as captured */
	struct dissection *d;
	enum lang lang; /* of the words in values */
};

/* A word of the values, in the dissection's language. */
static const char *word(const struct dctx *c, enum dissect_word w)
{
	return words[w][c->lang];
}

static struct dissect_layer *layer_begin(struct dctx *c, enum dissect_layer_id id, size_t off, size_t len)
{
	struct dissect_layer *l;
	size_t room = off < c->f.len ? c->f.len - off : 0;

	if (c->d->nlayers >= DISSECT_MAX_LAYERS)
		return NULL;
	if (off >= c->f.len) { /* nothing of it was captured */
		c->d->cut = true;
		return NULL;
	}
	l = &c->d->layers[c->d->nlayers++];
	*l = (struct dissect_layer){.id = id, .off = (uint32_t)off, .len = (uint32_t)(len < room ? len : room),
				    .first = c->d->nfields};
	return l;
}

/* A field of n bytes at off holding num, its value text from fmt; not added
 * when its bytes were not captured (the caller checked) or the table is full. */
__attribute__((format(printf, 6, 7))) static void field(struct dctx *c, enum dissect_field_id id, size_t off,
							size_t n, uint64_t num, const char *fmt, ...)
{
	struct dissect_field *fl;
	struct dissect_layer *l;
	va_list ap;

	if (c->d->nlayers == 0 || c->d->nfields >= DISSECT_MAX_FIELDS || !bytes_has(&c->f, off, n))
		return;
	l = &c->d->layers[c->d->nlayers - 1];
	fl = &c->d->fields[c->d->nfields++];
	fl->id = id;
	fl->off = (uint32_t)off;
	fl->len = (uint32_t)n;
	fl->num = num;
	va_start(ap, fmt);
	vsnprintf(fl->value, sizeof(fl->value), fmt, ap);
	va_end(ap);
	l->nfields = c->d->nfields - l->first;
}

static void cut(struct dctx *c)
{
	c->d->cut = true;
}

static void mac_text(const struct bytes *f, size_t off, char *buf, size_t n)
{
	uint8_t m[6] = {0};

	bytes_copy(f, off, m, sizeof(m));
	mac_format(m, buf, n);
}

static void mac_field(struct dctx *c, enum dissect_field_id id, size_t off)
{
	char mac[24];

	if (!bytes_has(&c->f, off, 6))
		return;
	mac_text(&c->f, off, mac, sizeof(mac));
	field(c, id, off, 6, 0, "%s", mac);
}

/* The IPv4 or IPv6 address at off as text ("?" when not captured). */
static const char *addr_text(const struct bytes *f, size_t off, int family, char *buf, size_t n)
{
	uint8_t a[16];

	if (!bytes_copy(f, off, a, family == AF_INET ? 4 : 16) || !inet_ntop(family, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

static void addr_field(struct dctx *c, enum dissect_field_id id, size_t off, int family)
{
	size_t n = family == AF_INET ? 4 : 16;
	char text[INET6_ADDRSTRLEN];

	if (!bytes_has(&c->f, off, n))
		return;
	field(c, id, off, n, 0, "%s", addr_text(&c->f, off, family, text, sizeof(text)));
}

static const char *ethertype_name(uint16_t t)
{
	switch (t) {
	case ETHERTYPE_IPV4: return "IPv4";
	case ETHERTYPE_IPV6: return "IPv6";
	case ETHERTYPE_ARP: return "ARP";
	case ETHERTYPE_8021Q: return "802.1Q";
	case ETHERTYPE_8021AD: return "802.1ad";
	default: return "?";
	}
}

static void dissect_payload(struct dctx *c, size_t off, size_t len, size_t declared);
static void dissect_ip(struct dctx *c, size_t off);
static void dissect_arp(struct dctx *c, size_t off);

/* What an ethertype at off leads to (after VLAN tags). */
static void dissect_ethertype(struct dctx *c, uint16_t type, size_t off)
{
	for (int tags = 0; (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD) && tags < 4; tags++) {
		uint16_t tci;
		if (!layer_begin(c, DL_VLAN, off, VLAN_HDR))
			return;
		if (!bytes_be16(&c->f, off, &tci) || !bytes_be16(&c->f, off + 2, &type)) {
			cut(c);
			return;
		}
		field(c, DF_VLAN_TCI, off, 2, tci & 0x0fff, "%u (%s %u)", tci & 0x0fff, word(c, DW_PRI), tci >> 13);
		field(c, DF_VLAN_TYPE, off + 2, 2, type, "%s (0x%04x)", ethertype_name(type), type);
		off += VLAN_HDR;
	}
	if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6)
		dissect_ip(c, off);
	else if (type == ETHERTYPE_ARP)
		dissect_arp(c, off);
	else if (off < c->f.len)
		dissect_payload(c, off, c->f.len - off, c->f.len - off);
}

static void dissect_ethernet(struct dctx *c)
{
	uint16_t type;
	char d[24], s[24];
	struct dissect_layer *l = layer_begin(c, DL_ETHERNET, 0, ETH_HDR);

	if (!l || !bytes_be16(&c->f, 12, &type)) {
		cut(c);
		mac_field(c, DF_ETH_DST, 0);
		mac_field(c, DF_ETH_SRC, 6);
		return;
	}
	mac_field(c, DF_ETH_DST, 0);
	mac_field(c, DF_ETH_SRC, 6);
	field(c, DF_ETH_TYPE, 12, 2, type, "%s (0x%04x)", ethertype_name(type), type);
	mac_text(&c->f, 6, s, sizeof(s));
	mac_text(&c->f, 0, d, sizeof(d));
	snprintf(l->summary, sizeof(l->summary), "%s → %s", s, d);
	dissect_ethertype(c, type, ETH_HDR);
}

static void dissect_loopback(struct dctx *c, bool any_order)
{
	uint32_t be, le, af;
	uint8_t v;

	if (!layer_begin(c, DL_LOOPBACK, 0, LOOP_HDR))
		return;
	if (!bytes_be32(&c->f, 0, &be) || !bytes_le32(&c->f, 0, &le)) {
		cut(c);
		return;
	}
	/* the family word is in the capturing host's order on DLT_NULL */
	af = any_order && be > 0xffff ? le : be;
	field(c, DF_LOOP_FAMILY, 0, 4, af, "%s (%u)", af == 2 ? "IP" : af == 24 || af == 28 || af == 30 ? "IPv6" : "?",
	      (unsigned)af);
	if (bytes_u8(&c->f, LOOP_HDR, &v) && (v >> 4 == 4 || v >> 4 == 6))
		dissect_ip(c, LOOP_HDR);
}

static void sll_src(struct dctx *c, size_t off, unsigned halen)
{
	char text[DISSECT_VALUE_MAX];
	size_t n = 0;

	if (halen > 8)
		halen = 8;
	text[0] = '\0';
	for (unsigned i = 0; i < halen; i++) {
		uint8_t b;
		if (!bytes_u8(&c->f, off + i, &b))
			return;
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%02x", i ? ":" : "", b);
	}
	field(c, DF_SLL_SRC, off, 8, 0, "%s", halen ? text : "-");
}

static void dissect_sll(struct dctx *c)
{
	uint16_t pkttype, hatype, halen, proto;

	if (!layer_begin(c, DL_SLL, 0, SLL_HDR))
		return;
	if (!bytes_be16(&c->f, 0, &pkttype) || !bytes_be16(&c->f, 2, &hatype) || !bytes_be16(&c->f, 4, &halen) ||
	    !bytes_be16(&c->f, 14, &proto)) {
		cut(c);
		return;
	}
	field(c, DF_SLL_PKTTYPE, 0, 2, pkttype, "%u", pkttype);
	field(c, DF_SLL_HATYPE, 2, 2, hatype, "%u", hatype);
	field(c, DF_SLL_HALEN, 4, 2, halen, "%u", halen);
	sll_src(c, 6, halen);
	field(c, DF_SLL_PROTO, 14, 2, proto, "%s (0x%04x)", ethertype_name(proto), proto);
	dissect_ethertype(c, proto, SLL_HDR);
}

static void dissect_sll2(struct dctx *c)
{
	uint16_t proto, hatype;
	uint32_t ifindex;
	uint8_t pkttype, halen;

	if (!layer_begin(c, DL_SLL2, 0, SLL2_HDR))
		return;
	if (!bytes_be16(&c->f, 0, &proto) || !bytes_be32(&c->f, 4, &ifindex) || !bytes_be16(&c->f, 8, &hatype) ||
	    !bytes_u8(&c->f, 10, &pkttype) || !bytes_u8(&c->f, 11, &halen) || !bytes_has(&c->f, 0, SLL2_HDR)) {
		cut(c);
		return;
	}
	field(c, DF_SLL_PROTO, 0, 2, proto, "%s (0x%04x)", ethertype_name(proto), proto);
	field(c, DF_SLL_IFINDEX, 4, 4, ifindex, "%u", (unsigned)ifindex);
	field(c, DF_SLL_HATYPE, 8, 2, hatype, "%u", hatype);
	field(c, DF_SLL_PKTTYPE, 10, 1, pkttype, "%u", pkttype);
	field(c, DF_SLL_HALEN, 11, 1, halen, "%u", halen);
	sll_src(c, 12, halen);
	dissect_ethertype(c, proto, SLL2_HDR);
}

/* A link header socklab does not name field by field: where decode.c found
 * the IP header (the one carrying the addresses it decoded) ends it. */
static void dissect_other_link(struct dctx *c, enum link_type lt)
{
	struct segment seg;
	enum decode_result r = decode_frame(lt, c->f.p, c->f.len, 0, &seg);
	const struct endpoint *src = r == DECODE_ICMP_ERROR ? &seg.icmp.reporter : &seg.src;
	size_t off;

	if (r != DECODE_OK && r != DECODE_ICMP_ERROR) {
		if (layer_begin(c, DL_LINK_OTHER, 0, c->f.len))
			field(c, DF_LINK_HEADER, 0, c->f.len, c->f.len, "%s, %zu %s", link_info(lt)->kind, c->f.len, word(c, DW_BYTES));
		return;
	}
	for (off = 0; off < LINK_SEARCH_MAX; off++) {
		uint8_t v, a[16];
		size_t n = src->family == 4 ? 4 : 16;
		if (!bytes_u8(&c->f, off, &v) || !bytes_copy(&c->f, src->family == 4 ? off + 12 : off + 8, a, n))
			break;
		if (v >> 4 == src->family && memcmp(a, src->addr, n) == 0)
			break;
	}
	if (off > 0 && layer_begin(c, DL_LINK_OTHER, 0, off))
		field(c, DF_LINK_HEADER, 0, off, off, "%s, %zu %s", link_info(lt)->kind, off, word(c, DW_BYTES));
	dissect_ip(c, off);
}

static void dissect_tcp(struct dctx *c, size_t off, size_t declared);
static void dissect_icmp(struct dctx *c, size_t off, size_t declared, bool v6);

/* The transport header that follows IP (proto), declared bytes long. */
static void dissect_transport(struct dctx *c, uint8_t proto, size_t off, size_t declared)
{
	if (proto == IPPROTO_TCP)
		dissect_tcp(c, off, declared);
	else if (proto == IPPROTO_ICMP)
		dissect_icmp(c, off, declared, false);
	else if (proto == IPPROTO_ICMPV6)
		dissect_icmp(c, off, declared, true);
	else
		dissect_payload(c, off, declared, declared);
}

static void dissect_ipv4(struct dctx *c, size_t off)
{
	uint8_t vihl, tos, ttl, proto;
	uint16_t len, id, frag, sum;
	size_t hl;
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	struct dissect_layer *l = layer_begin(c, DL_IPV4, off, IPV4_HDR);

	if (!l)
		return;
	if (!bytes_u8(&c->f, off, &vihl) || !bytes_u8(&c->f, off + 1, &tos) || !bytes_be16(&c->f, off + 2, &len) ||
	    !bytes_be16(&c->f, off + 4, &id) || !bytes_be16(&c->f, off + 6, &frag) ||
	    !bytes_u8(&c->f, off + 8, &ttl) || !bytes_u8(&c->f, off + 9, &proto) ||
	    !bytes_be16(&c->f, off + 10, &sum) || !bytes_has(&c->f, off, IPV4_HDR)) {
		cut(c);
		return;
	}
	hl = (size_t)(vihl & 15) * 4;
	l->len = (uint32_t)(hl >= IPV4_HDR && bytes_has(&c->f, off, hl) ? hl : IPV4_HDR);
	field(c, DF_IP_VERSION, off, 1, vihl >> 4, "%u", vihl >> 4);
	field(c, DF_IP_HDR_LEN, off, 1, hl, "%zu %s (%u)", hl, word(c, DW_BYTES), vihl & 15);
	field(c, DF_IP_DSFIELD, off + 1, 1, tos, "0x%02x (DSCP %u, ECN %u)", tos, tos >> 2, tos & 3);
	field(c, DF_IP_LEN, off + 2, 2, len, "%u", len);
	field(c, DF_IP_ID, off + 4, 2, id, "0x%04x (%u)", id, id);
	field(c, DF_IP_FLAGS, off + 6, 1, frag >> 13, "0x%x%s%s%s%s", frag >> 13, frag & 0x4000 ? ", " : "",
	      frag & 0x4000 ? word(c, DW_DONT_FRAGMENT) : "", frag & 0x2000 ? ", " : "",
	      frag & 0x2000 ? word(c, DW_MORE_FRAGMENTS) : "");
	field(c, DF_IP_FRAG_OFFSET, off + 6, 2, (frag & 0x1fff) * 8u, "%u", (frag & 0x1fff) * 8u);
	field(c, DF_IP_TTL, off + 8, 1, ttl, "%u", ttl);
	field(c, DF_IP_PROTO, off + 9, 1, proto, "%s (%u)",
	      proto == IPPROTO_TCP ? "TCP" : proto == IPPROTO_ICMP ? "ICMP" : proto == IPPROTO_UDP ? "UDP" : "?", proto);
	field(c, DF_IP_CHECKSUM, off + 10, 2, sum, "0x%04x", sum);
	addr_field(c, DF_IP_SRC, off + 12, AF_INET);
	addr_field(c, DF_IP_DST, off + 16, AF_INET);
	snprintf(l->summary, sizeof(l->summary), "%s → %s", addr_text(&c->f, off + 12, AF_INET, s, sizeof(s)),
		 addr_text(&c->f, off + 16, AF_INET, d, sizeof(d)));
	if (hl < IPV4_HDR || len < hl)
		return; /* a broken header: its fields are shown, nothing follows */
	if (hl > IPV4_HDR) {
		if (!bytes_has(&c->f, off, hl)) {
			cut(c);
			return;
		}
		field(c, DF_IP_OPTIONS, off + IPV4_HDR, hl - IPV4_HDR, hl - IPV4_HDR, "%zu %s", hl - IPV4_HDR, word(c, DW_BYTES));
	}
	if (frag & 0x1fff) /* a later fragment: no transport header */
		dissect_payload(c, off + hl, len - hl, len - hl);
	else
		dissect_transport(c, proto, off + hl, len - hl);
}

static bool ipv6_is_ext(uint8_t nxt)
{
	return nxt == 0 || nxt == 43 || nxt == 60 || nxt == 44;
}

static const char *ipv6_ext_name(uint8_t nxt)
{
	switch (nxt) {
	case 0: return "Hop-by-Hop Options";
	case 43: return "Routing";
	case 44: return "Fragment";
	default: return "Destination Options";
	}
}

static void dissect_ipv6(struct dctx *c, size_t off)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t nxt, hlim;
	size_t ext = 0;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	struct dissect_layer *l = layer_begin(c, DL_IPV6, off, IPV6_HDR);

	if (!l)
		return;
	if (!bytes_be32(&c->f, off, &vtf) || !bytes_be16(&c->f, off + 4, &plen) || !bytes_u8(&c->f, off + 6, &nxt) ||
	    !bytes_u8(&c->f, off + 7, &hlim) || !bytes_has(&c->f, off, IPV6_HDR)) {
		cut(c);
		return;
	}
	field(c, DF_IP_VERSION, off, 1, vtf >> 28, "%u", (unsigned)(vtf >> 28));
	field(c, DF_IP6_TCLASS, off, 2, (vtf >> 20) & 0xff, "0x%02x", (unsigned)((vtf >> 20) & 0xff));
	field(c, DF_IP6_FLOW, off + 1, 3, vtf & 0xfffff, "0x%05x", (unsigned)(vtf & 0xfffff));
	field(c, DF_IP6_PLEN, off + 4, 2, plen, "%u", plen);
	field(c, DF_IP6_NXT, off + 6, 1, nxt, "%s (%u)",
	      nxt == IPPROTO_TCP ? "TCP" : nxt == IPPROTO_ICMPV6 ? "ICMPv6" : ipv6_is_ext(nxt) ? ipv6_ext_name(nxt) : "?",
	      nxt);
	field(c, DF_IP6_HLIM, off + 7, 1, hlim, "%u", hlim);
	addr_field(c, DF_IP6_SRC, off + 8, AF_INET6);
	addr_field(c, DF_IP6_DST, off + 24, AF_INET6);
	snprintf(l->summary, sizeof(l->summary), "%s → %s", addr_text(&c->f, off + 8, AF_INET6, s, sizeof(s)),
		 addr_text(&c->f, off + 24, AF_INET6, d, sizeof(d)));
	for (int i = 0; i < IPV6_EXT_MAX && ipv6_is_ext(nxt); i++) {
		uint8_t next, hl;
		size_t at = off + IPV6_HDR + ext, n;
		if (!bytes_u8(&c->f, at, &next) || !bytes_u8(&c->f, at + 1, &hl)) {
			cut(c);
			return;
		}
		n = nxt == 44 ? 8 : ((size_t)hl + 1) * 8;
		if (ext + n > plen)
			return;
		if (!bytes_has(&c->f, at, n)) {
			cut(c);
			return;
		}
		field(c, DF_IP6_EXT, at, n, nxt, "%s, %zu %s", ipv6_ext_name(nxt), n, word(c, DW_BYTES));
		l->len += (uint32_t)n;
		ext += n;
		nxt = next;
	}
	if (ipv6_is_ext(nxt))
		return;
	dissect_transport(c, nxt, off + IPV6_HDR + ext, plen - ext);
}

static void dissect_ip(struct dctx *c, size_t off)
{
	uint8_t v;

	if (!bytes_u8(&c->f, off, &v)) { /* the capture stopped before the IP header */
		cut(c);
		return;
	}
	if (v >> 4 == 4)
		dissect_ipv4(c, off);
	else if (v >> 4 == 6)
		dissect_ipv6(c, off);
	else
		dissect_payload(c, off, c->f.len - off, c->f.len - off);
}

/* The TCP options, one field each, and a summary field before them. */
static void dissect_tcp_options(struct dctx *c, size_t off, size_t len)
{
	char sum[DISSECT_VALUE_MAX];
	size_t n = 0, o = 0;
	uint32_t summary_at = c->d->nfields;

	sum[0] = '\0';
	field(c, DF_TCP_OPTIONS, off, len, len, "%zu %s", len, word(c, DW_BYTES));
	while (o < len) {
		uint8_t kind, olen = 1, shift;
		uint16_t v16;
		uint32_t a, b;
		const char *said = NULL;
		char buf[48];

		if (!bytes_u8(&c->f, off + o, &kind)) {
			cut(c);
			break;
		}
		if (kind == 0) {
			field(c, DF_TCP_OPT_EOL, off + o, 1, 0, "EOL");
			break;
		}
		if (kind == 1) {
			field(c, DF_TCP_OPT_NOP, off + o, 1, 0, "NOP");
			o++;
			continue;
		}
		if (!bytes_u8(&c->f, off + o + 1, &olen)) {
			cut(c);
			break;
		}
		if (olen < 2 || o + olen > len)
			break; /* a broken option: the rest is not read */
		if (!bytes_has(&c->f, off + o, olen)) {
			/* as tshark does, a timestamp cut after its value still shows it */
			if (kind == 8 && olen == 10 && bytes_be32(&c->f, off + o + 2, &a))
				field(c, DF_TCP_OPT_TSVAL, off + o, 6, a, "%u", (unsigned)a);
			cut(c);
			break;
		}
		if (kind == 2 && olen == 4 && bytes_be16(&c->f, off + o + 2, &v16)) {
			field(c, DF_TCP_OPT_MSS, off + o, olen, v16, "%u", v16);
			snprintf(buf, sizeof(buf), "MSS %u", v16);
			said = buf;
		} else if (kind == 3 && olen == 3 && bytes_u8(&c->f, off + o + 2, &shift)) {
			field(c, DF_TCP_OPT_WSCALE, off + o, olen, shift, "%u (×%u)", shift, 1u << (shift & 15));
			snprintf(buf, sizeof(buf), "WS %u", shift);
			said = buf;
		} else if (kind == 4 && olen == 2) {
			field(c, DF_TCP_OPT_SACK_PERM, off + o, olen, 0, "%s", word(c, DW_YES));
			said = "SACK_PERM";
		} else if (kind == 5 && (olen - 2) % 8 == 0) {
			for (size_t s = 2; s + 8 <= olen; s += 8)
				if (bytes_be32(&c->f, off + o + s, &a) && bytes_be32(&c->f, off + o + s + 4, &b))
					field(c, DF_TCP_OPT_SACK, off + o + s, 8, a, "%u-%u", (unsigned)a, (unsigned)b);
			said = "SACK";
		} else if (kind == 8 && olen == 10 && bytes_be32(&c->f, off + o + 2, &a) &&
			   bytes_be32(&c->f, off + o + 6, &b)) {
			field(c, DF_TCP_OPT_TSVAL, off + o, 6, a, "%u", (unsigned)a);
			field(c, DF_TCP_OPT_TSECR, off + o + 6, 4, b, "%u", (unsigned)b);
			snprintf(buf, sizeof(buf), "TS val %u ecr %u", (unsigned)a, (unsigned)b);
			said = buf;
		} else {
			field(c, DF_TCP_OPT_OTHER, off + o, olen, kind, "%s %u, %u %s", word(c, DW_KIND), kind, olen, word(c, DW_BYTES));
			snprintf(buf, sizeof(buf), "%s %u", word(c, DW_KIND), kind);
			said = buf;
		}
		if (said && n < sizeof(sum))
			n += (size_t)snprintf(sum + n, sizeof(sum) - n, "%s%s", n ? ", " : "", said);
		o += olen;
	}
	if (n && summary_at < c->d->nfields && c->d->fields[summary_at].id == DF_TCP_OPTIONS &&
	    snprintf(c->d->fields[summary_at].value, sizeof(c->d->fields[summary_at].value), "%zu %s: %s", len,
		     word(c, DW_BYTES), sum) >= (int)sizeof(c->d->fields[summary_at].value))
		c->d->fields[summary_at].value[sizeof(c->d->fields[summary_at].value) - 1] = '\0'; /* cut, as shown */
}

static void dissect_tcp(struct dctx *c, size_t off, size_t declared)
{
	uint16_t sport, dport, win, sum, urg, offflags;
	uint32_t seq, ack;
	size_t hl;
	char bar[40], flags[48];
	size_t n = 0;
	struct dissect_layer *l = layer_begin(c, DL_TCP, off, TCP_HDR);

	if (!l)
		return;
	if (!bytes_be16(&c->f, off, &sport) || !bytes_be16(&c->f, off + 2, &dport) || !bytes_be32(&c->f, off + 4, &seq) ||
	    !bytes_be32(&c->f, off + 8, &ack) || !bytes_be16(&c->f, off + 12, &offflags) ||
	    !bytes_be16(&c->f, off + 14, &win) || !bytes_be16(&c->f, off + 16, &sum) ||
	    !bytes_be16(&c->f, off + 18, &urg)) {
		cut(c);
		if (bytes_be16(&c->f, off, &sport) && bytes_be16(&c->f, off + 2, &dport)) {
			field(c, DF_TCP_SRCPORT, off, 2, sport, "%u", sport);
			field(c, DF_TCP_DSTPORT, off + 2, 2, dport, "%u", dport);
		}
		return;
	}
	hl = (size_t)(offflags >> 12) * 4;
	/* "SYN|ACK" as Wireshark writes it, "SYN, ACK" */
	tcp_flags_format((uint8_t)offflags, bar, sizeof(bar));
	for (const char *p = bar; *p && n + 3 < sizeof(flags); p++) {
		if (*p == '|') {
			flags[n++] = ',';
			flags[n++] = ' ';
		} else {
			flags[n++] = *p;
		}
	}
	flags[n] = '\0';
	field(c, DF_TCP_SRCPORT, off, 2, sport, "%u", sport);
	field(c, DF_TCP_DSTPORT, off + 2, 2, dport, "%u", dport);
	field(c, DF_TCP_SEQ, off + 4, 4, seq, "%u", (unsigned)seq);
	field(c, DF_TCP_ACK, off + 8, 4, ack, "%u", (unsigned)ack);
	field(c, DF_TCP_HDR_LEN, off + 12, 1, hl, "%zu %s (%u)", hl, word(c, DW_BYTES), offflags >> 12);
	field(c, DF_TCP_FLAGS, off + 12, 2, offflags & 0x0fff, "0x%03x (%s)", offflags & 0x0fff, flags);
	field(c, DF_TCP_WINDOW, off + 14, 2, win, "%u", win);
	field(c, DF_TCP_CHECKSUM, off + 16, 2, sum, "0x%04x", sum);
	field(c, DF_TCP_URGENT, off + 18, 2, urg, "%u", urg);
	snprintf(l->summary, sizeof(l->summary), "%u → %u [%s] %s %zu", sport, dport, flags, word(c, DW_LEN),
		 hl >= TCP_HDR && declared >= hl ? declared - hl : 0);
	if (hl < TCP_HDR || hl > declared)
		return;
	l->len = (uint32_t)(bytes_has(&c->f, off, hl) ? hl : c->f.len - off);
	if (hl > TCP_HDR)
		dissect_tcp_options(c, off + TCP_HDR, hl - TCP_HDR);
	if (declared > hl)
		dissect_payload(c, off + hl, declared - hl, declared - hl);
}

static void dissect_icmp(struct dctx *c, size_t off, size_t declared, bool v6)
{
	uint8_t type, code;
	uint16_t sum, mtu16;
	uint32_t rest;
	struct dissect_layer *l = layer_begin(c, v6 ? DL_ICMPV6 : DL_ICMP, off, ICMP_HDR);
	bool mtu;

	if (!l)
		return;
	if (!bytes_u8(&c->f, off, &type) || !bytes_u8(&c->f, off + 1, &code) || !bytes_be16(&c->f, off + 2, &sum) ||
	    !bytes_be32(&c->f, off + 4, &rest)) {
		cut(c);
		return;
	}
	field(c, DF_ICMP_TYPE, off, 1, type, "%u", type);
	field(c, DF_ICMP_CODE, off + 1, 1, code, "%u", code);
	field(c, DF_ICMP_CHECKSUM, off + 2, 2, sum, "0x%04x", sum);
	mtu = v6 ? type == 2 : type == 3 && code == 4;
	if (mtu && !v6 && bytes_be16(&c->f, off + 6, &mtu16))
		field(c, DF_ICMP_MTU, off + 6, 2, mtu16, "%u", mtu16);
	else if (mtu)
		field(c, DF_ICMP_MTU, off + 4, 4, rest, "%u", (unsigned)rest);
	else
		field(c, DF_ICMP_REST, off + 4, 4, rest, "0x%08x", (unsigned)rest);
	snprintf(l->summary, sizeof(l->summary), "%s %u %s %u", word(c, DW_TYPE), type, word(c, DW_CODE), code);
	if (declared > ICMP_HDR) {
		size_t n = declared - ICMP_HDR, have = c->f.len > off + ICMP_HDR ? c->f.len - off - ICMP_HDR : 0;
		if (n > have)
			n = have;
		if (n)
			field(c, DF_ICMP_QUOTE, off + ICMP_HDR, n, n, "%zu %s", n, word(c, DW_BYTES));
		l->len = (uint32_t)(ICMP_HDR + n);
	}
}

static void dissect_arp(struct dctx *c, size_t off)
{
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;
	struct dissect_layer *l = layer_begin(c, DL_ARP, off, ARP_FIXED);
	char spa[INET_ADDRSTRLEN], tpa[INET_ADDRSTRLEN], sha[24];

	if (!l)
		return;
	if (!bytes_be16(&c->f, off, &htype) || !bytes_be16(&c->f, off + 2, &ptype) || !bytes_u8(&c->f, off + 4, &hlen) ||
	    !bytes_u8(&c->f, off + 5, &plen) || !bytes_be16(&c->f, off + 6, &op)) {
		cut(c);
		return;
	}
	field(c, DF_ARP_HTYPE, off, 2, htype, "%s (%u)", htype == 1 ? "Ethernet" : "?", htype);
	field(c, DF_ARP_PTYPE, off + 2, 2, ptype, "%s (0x%04x)", ethertype_name(ptype), ptype);
	field(c, DF_ARP_HLEN, off + 4, 1, hlen, "%u", hlen);
	field(c, DF_ARP_PLEN, off + 5, 1, plen, "%u", plen);
	field(c, DF_ARP_OPCODE, off + 6, 2, op, "%s (%u)", op == 1 ? word(c, DW_REQUEST) : op == 2 ? word(c, DW_REPLY) : "?", op);
	if (hlen != 6 || plen != 4)
		return;
	l->len = ARP_FIXED + 20;
	if (!bytes_has(&c->f, off, ARP_FIXED + 20)) {
		l->len = (uint32_t)(c->f.len - off);
		cut(c);
	}
	mac_field(c, DF_ARP_SHA, off + 8);
	addr_field(c, DF_ARP_SPA, off + 14, AF_INET);
	mac_field(c, DF_ARP_THA, off + 18);
	addr_field(c, DF_ARP_TPA, off + 24, AF_INET);
	if (bytes_has(&c->f, off, ARP_FIXED + 20)) {
		addr_text(&c->f, off + 14, AF_INET, spa, sizeof(spa));
		addr_text(&c->f, off + 24, AF_INET, tpa, sizeof(tpa));
		mac_text(&c->f, off + 8, sha, sizeof(sha));
		if (op == 1)
			snprintf(l->summary, sizeof(l->summary), "who-has %s tell %s", tpa, spa);
		else
			snprintf(l->summary, sizeof(l->summary), "%s is-at %s", spa, sha);
	}
}

/* The bytes a header carries after it: len of them declared, what was
 * captured shown (at most the first 24 as text). */
static void dissect_payload(struct dctx *c, size_t off, size_t len, size_t declared)
{
	size_t have = off < c->f.len ? c->f.len - off : 0;
	struct dissect_layer *l;
	char text[28];
	size_t n = 0;

	if (len == 0)
		return;
	if (have > len)
		have = len;
	if (!(l = layer_begin(c, DL_PAYLOAD, off, have)))
		return;
	for (size_t i = 0; i < have && n + 1 < sizeof(text) && i < 24; i++) {
		uint8_t b = 0;
		bytes_u8(&c->f, off + i, &b);
		text[n++] = b >= 0x20 && b < 0x7f ? (char)b : '.';
	}
	text[n] = '\0';
	if (have)
		field(c, DF_DATA, off, have, declared, "%zu %s: %s%s", declared, word(c, DW_BYTES), text, have > 24 ? "..." : "");
	else
		cut(c);
	snprintf(l->summary, sizeof(l->summary), "%zu %s", declared, word(c, DW_BYTES));
	if (have < declared)
		cut(c);
}

void dissect_frame(enum link_type lt, const uint8_t *buf, size_t caplen, size_t wirelen, struct dissection *out)
{
	dissect_frame_in(lt, buf, caplen, wirelen, LANG_EN, out);
}

void dissect_frame_in(enum link_type lt, const uint8_t *buf, size_t caplen, size_t wirelen, enum lang lang,
		      struct dissection *out)
{
	struct dctx c = {bytes_make(buf, caplen), out, (unsigned)lang < LANG_COUNT ? lang : LANG_EN};

	out->nlayers = 0;
	out->nfields = 0;
	out->caplen = (uint32_t)caplen;
	out->wirelen = (uint32_t)(wirelen ? wirelen : caplen);
	out->cut = false;
	if (!buf)
		c.f.len = 0;
	switch (lt) {
	case LINK_ETHERNET: dissect_ethernet(&c); break;
	case LINK_NULL: dissect_loopback(&c, true); break;
	case LINK_LOOP: dissect_loopback(&c, false); break;
	case LINK_SLL: dissect_sll(&c); break;
	case LINK_SLL2: dissect_sll2(&c); break;
	case LINK_RAW: dissect_ip(&c, 0); break;
	default:
		if ((unsigned)lt < LINK_COUNT)
			dissect_other_link(&c, lt);
		break;
	}
}
