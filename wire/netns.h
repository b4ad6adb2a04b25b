/* netns.h: the wire's topology, made by the wire's helper process
 * (wire.c): network namespaces (unshare, setns, held by descriptors), a
 * veth pair into another namespace, addresses, links up, offloads off,
 * IPv6 off, all over rtnetlink and ioctls in the calling process's current
 * namespace; and the unprivileged user namespace a normal user's lab runs
 * in. Linux only. Each returns 0, or -1 with err filled. */
#ifndef SOCKLAB_WIRE_NETNS_H
#define SOCKLAB_WIRE_NETNS_H

#include <stddef.h>
#include <stdint.h>

/* Not root: makes the process the first of a new user namespace (its own
 * uid and gid mapped to themselves), which gives it the capabilities to
 * make and enter network namespaces of its own. The error names the
 * sysctl that forbids it, where one does. Must run before any thread. */
int netns_user(char *err, size_t n);
/* A new network namespace for the calling process; *fd holds it. */
int netns_new(int *fd, char *err, size_t n);
/* Moves the calling process into the namespace fd holds. */
int netns_enter(int fd, const char *what, char *err, size_t n);
/* Network namespaces made from the current one get a TCP hash table of
 * their own (1024 buckets; Linux 5.19+, else nothing) instead of sharing
 * the machine's: a sock_diag dump of a host (the lab's kernel view, every
 * 10 ms) then walks only that host's sockets, not the whole machine's. */
int netns_own_tcp_hash(char *err, size_t n);
/* No IPv6 in the current namespace (no router solicitations, no DAD, no
 * MLD on the wire: only what the lab's programs send, and ARP). */
int netns_no_ipv6(char *err, size_t n);
/* A veth pair: name here, peer in the namespace peer_ns holds. */
int netns_veth(const char *name, const char *peer, int peer_ns, char *err, size_t n);
/* IPv4 address addr/prefix (network byte order) on ifname. */
int netns_addr(const char *ifname, uint32_t addr, int prefix, char *err, size_t n);
int netns_up(const char *ifname, char *err, size_t n);
/* Checksum, segmentation and GRO offloads off: every frame on the wire is
 * at most the MTU and carries its real checksum (a relay copies bytes). */
int netns_offloads_off(const char *ifname, char *err, size_t n);

#endif
