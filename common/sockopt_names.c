/* sockopt_names.c: the socket option name table. */
#include "sockopt_names.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/socket.h>

static const struct {
	int level, name;
	const char *level_text, *name_text;
} sockopts[] = {
	{SOL_SOCKET, SO_REUSEADDR, "SOL_SOCKET", "SO_REUSEADDR"},
	{SOL_SOCKET, SO_REUSEPORT, "SOL_SOCKET", "SO_REUSEPORT"},
	{SOL_SOCKET, SO_LINGER, "SOL_SOCKET", "SO_LINGER"},
	{SOL_SOCKET, SO_ERROR, "SOL_SOCKET", "SO_ERROR"},
	{SOL_SOCKET, SO_KEEPALIVE, "SOL_SOCKET", "SO_KEEPALIVE"},
	{SOL_SOCKET, SO_BROADCAST, "SOL_SOCKET", "SO_BROADCAST"},
	{SOL_SOCKET, SO_RCVBUF, "SOL_SOCKET", "SO_RCVBUF"},
	{SOL_SOCKET, SO_SNDBUF, "SOL_SOCKET", "SO_SNDBUF"},
	{SOL_SOCKET, SO_RCVTIMEO, "SOL_SOCKET", "SO_RCVTIMEO"},
	{SOL_SOCKET, SO_SNDTIMEO, "SOL_SOCKET", "SO_SNDTIMEO"},
	{SOL_SOCKET, SO_TYPE, "SOL_SOCKET", "SO_TYPE"},
	{SOL_SOCKET, SO_DOMAIN, "SOL_SOCKET", "SO_DOMAIN"},
	{IPPROTO_TCP, TCP_NODELAY, "IPPROTO_TCP", "TCP_NODELAY"},
	{IPPROTO_TCP, TCP_KEEPIDLE, "IPPROTO_TCP", "TCP_KEEPIDLE"},
	{IPPROTO_TCP, TCP_KEEPINTVL, "IPPROTO_TCP", "TCP_KEEPINTVL"},
	{IPPROTO_TCP, TCP_KEEPCNT, "IPPROTO_TCP", "TCP_KEEPCNT"},
	{IPPROTO_TCP, TCP_QUICKACK, "IPPROTO_TCP", "TCP_QUICKACK"},
	{IPPROTO_TCP, TCP_CORK, "IPPROTO_TCP", "TCP_CORK"},
	{IPPROTO_TCP, TCP_FASTOPEN, "IPPROTO_TCP", "TCP_FASTOPEN"},
	{IPPROTO_IPV6, IPV6_V6ONLY, "IPPROTO_IPV6", "IPV6_V6ONLY"},
};

bool sockopt_names(int level, int name, const char **level_text, const char **name_text)
{
	for (size_t i = 0; i < sizeof(sockopts) / sizeof(sockopts[0]); i++)
		if (sockopts[i].level == level && sockopts[i].name == name) {
			*level_text = sockopts[i].level_text;
			*name_text = sockopts[i].name_text;
			return true;
		}
	return false;
}
