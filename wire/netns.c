/* netns.c: namespaces, veths, addresses and offloads (netns.h). */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errtext.h"

/* Writes text into a /proc file; -1 with errno. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(text), w;

	if (fd < 0)
		return -1;
	w = write(fd, text, (size_t)len);
	if (w != len) {
		int e = w < 0 ? errno : EIO;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* The first line of a /proc file, or "" */
static void read_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)n, f))
			buf[0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

int netns_user(char *err, size_t n)
{
	char map[64], v[32];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER) < 0) {
		int e = errno;
		read_line("/proc/sys/user/max_user_namespaces", v, sizeof(v));
		if (strcmp(v, "0") == 0)
			snprintf(err, n, "wire: user namespaces are off (user.max_user_namespaces = 0): run as root, or "
					 "sysctl -w user.max_user_namespaces=10000");
		else if (read_line("/proc/sys/kernel/unprivileged_userns_clone", v, sizeof(v)), strcmp(v, "0") == 0)
			snprintf(err, n, "wire: unprivileged user namespaces are off (kernel.unprivileged_userns_clone = 0): "
					 "run as root, or sysctl -w kernel.unprivileged_userns_clone=1");
		else if (read_line("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", v, sizeof(v)),
			 strcmp(v, "1") == 0)
			snprintf(err, n, "wire: apparmor forbids unprivileged user namespaces "
					 "(kernel.apparmor_restrict_unprivileged_userns = 1): run as root");
		else
			snprintf(err, n, "wire: a user namespace (unshare CLONE_NEWUSER): %s; run as root", errtext(e));
		return -1;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_file("/proc/self/setgroups", "deny") < 0 || write_file("/proc/self/uid_map", map) < 0) {
		snprintf(err, n, "wire: user namespace uid map: %s", errtext(errno));
		return -1;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) < 0) {
		snprintf(err, n, "wire: user namespace gid map: %s", errtext(errno));
		return -1;
	}
	return 0;
}

int netns_new(int *fd, char *err, size_t n)
{
	if (unshare(CLONE_NEWNET) < 0) {
		snprintf(err, n, "wire: a network namespace (unshare CLONE_NEWNET): %s (run as root, or as a user "
				 "where user namespaces are allowed)", errtext(errno));
		return -1;
	}
	*fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		snprintf(err, n, "wire: /proc/self/ns/net: %s", errtext(errno));
		return -1;
	}
	return 0;
}

int netns_enter(int fd, const char *what, char *err, size_t n)
{
	if (setns(fd, CLONE_NEWNET) < 0) {
		snprintf(err, n, "wire: enter the %s namespace (setns): %s", what, errtext(errno));
		return -1;
	}
	return 0;
}

int netns_own_tcp_hash(char *err, size_t n)
{
	static const char path[] = "/proc/sys/net/ipv4/tcp_child_ehash_entries";

	if (write_file(path, "1024") < 0 && errno != ENOENT) { /* ENOENT: before Linux 5.19 */
		snprintf(err, n, "wire: %s: %s", path, errtext(errno));
		return -1;
	}
	return 0;
}

int netns_no_ipv6(char *err, size_t n)
{
	static const char *const paths[] = {"/proc/sys/net/ipv6/conf/all/disable_ipv6",
					    "/proc/sys/net/ipv6/conf/default/disable_ipv6"};

	for (size_t i = 0; i < 2; i++)
		if (write_file(paths[i], "1") < 0 && errno != ENOENT) { /* ENOENT: no IPv6 at all */
			snprintf(err, n, "wire: %s: %s", paths[i], errtext(errno));
			return -1;
		}
	return 0;
}

/* ---- rtnetlink: one request, its acknowledgement ---- */

struct nlreq {
	struct nlmsghdr h;
	char body[1024];
};

static void *nl_tail(struct nlreq *r)
{
	return (char *)r + NLMSG_ALIGN(r->h.nlmsg_len);
}

/* Appends an attribute; returns it (to nest others in) or NULL when full. */
static struct rtattr *nl_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = nl_tail(r);
	size_t total = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(RTA_LENGTH(len));

	if (total > sizeof(*r))
		return NULL;
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = (uint32_t)total;
	return a;
}

static void nl_end(struct nlreq *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)nl_tail(r) - (char *)nest);
}

/* Sends r on a NETLINK_ROUTE socket of the current namespace and reads the
 * kernel's answer. */
static int nl_talk(struct nlreq *r, const char *what, char *err, size_t n)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char buf[4096];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t got;

	if (fd < 0) {
		snprintf(err, n, "wire: %s: netlink socket: %s", what, errtext(errno));
		return -1;
	}
	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->h.nlmsg_seq = 1;
	if (sendto(fd, r, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		snprintf(err, n, "wire: %s: netlink send: %s", what, errtext(errno));
		close(fd);
		return -1;
	}
	got = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if (got < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		snprintf(err, n, "wire: %s: no answer from netlink", what);
		return -1;
	}
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	if (h->nlmsg_type == NLMSG_ERROR && e->error) {
		snprintf(err, n, "wire: %s: %s", what, errtext(-e->error));
		return -1;
	}
	return 0;
}

static void nl_start(struct nlreq *r, unsigned short type, unsigned short flags, size_t fixed)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = flags;
	r->h.nlmsg_len = (uint32_t)NLMSG_LENGTH(fixed);
}

static int if_index(const char *ifname, char *err, size_t n)
{
	unsigned idx = if_nametoindex(ifname);

	if (!idx)
		snprintf(err, n, "wire: interface %s: %s", ifname, errtext(errno));
	return idx ? (int)idx : -1;
}

int netns_veth(const char *name, const char *peer, int peer_ns, char *err, size_t n)
{
	struct nlreq r;
	struct rtattr *info, *data, *pa;
	struct ifinfomsg peer_info = {.ifi_family = AF_UNSPEC};
	char what[64];

	snprintf(what, sizeof(what), "veth %s-%s", name, peer);
	nl_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	if (!nl_attr(&r, IFLA_IFNAME, name, strlen(name) + 1) || !(info = nl_attr(&r, IFLA_LINKINFO, NULL, 0)) ||
	    !nl_attr(&r, IFLA_INFO_KIND, "veth", 5) || !(data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0)) ||
	    !(pa = nl_attr(&r, VETH_INFO_PEER, &peer_info, sizeof(peer_info))) ||
	    !nl_attr(&r, IFLA_IFNAME, peer, strlen(peer) + 1) ||
	    !nl_attr(&r, IFLA_NET_NS_FD, &(uint32_t){(uint32_t)peer_ns}, sizeof(uint32_t))) {
		snprintf(err, n, "wire: %s: request too long", what);
		return -1;
	}
	nl_end(&r, pa);
	nl_end(&r, data);
	nl_end(&r, info);
	return nl_talk(&r, what, err, n);
}

int netns_addr(const char *ifname, uint32_t addr, int prefix, char *err, size_t n)
{
	struct nlreq r;
	struct ifaddrmsg *m;
	int idx = if_index(ifname, err, n);
	char what[64];

	if (idx < 0)
		return -1;
	snprintf(what, sizeof(what), "address on %s", ifname);
	nl_start(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*m));
	m = NLMSG_DATA(&r.h);
	*m = (struct ifaddrmsg){.ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix,
				.ifa_index = (unsigned)idx};
	nl_attr(&r, IFA_LOCAL, &addr, sizeof(addr));
	nl_attr(&r, IFA_ADDRESS, &addr, sizeof(addr));
	return nl_talk(&r, what, err, n);
}

int netns_up(const char *ifname, char *err, size_t n)
{
	struct nlreq r;
	struct ifinfomsg *m;
	int idx = if_index(ifname, err, n);
	char what[64];

	if (idx < 0)
		return -1;
	snprintf(what, sizeof(what), "link %s up", ifname);
	nl_start(&r, RTM_NEWLINK, 0, sizeof(*m));
	m = NLMSG_DATA(&r.h);
	*m = (struct ifinfomsg){.ifi_family = AF_UNSPEC, .ifi_index = idx, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
	return nl_talk(&r, what, err, n);
}

int netns_offloads_off(const char *ifname, char *err, size_t n)
{
	/* the legacy ethtool commands: each still works, and turning one off
	 * turns off what depends on it (no checksum offload, no TSO) */
	static const struct {
		uint32_t cmd;
		const char *name;
	} off[] = {{ETHTOOL_STXCSUM, "tx checksum"}, {ETHTOOL_SSG, "scatter-gather"}, {ETHTOOL_STSO, "tso"},
		   {ETHTOOL_SGSO, "gso"},            {ETHTOOL_SGRO, "gro"}};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, n, "wire: offloads of %s: socket: %s", ifname, errtext(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		struct ethtool_value v = {.cmd = off[i].cmd, .data = 0};
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
		ifr.ifr_data = (void *)&v;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0 && errno != EOPNOTSUPP) {
			snprintf(err, n, "wire: %s off on %s (SIOCETHTOOL): %s", off[i].name, ifname, errtext(errno));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}
