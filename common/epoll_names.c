/* epoll_names.c: the epoll_ctl names table. */
#include "epoll_names.h"

#include <stdbool.h>
#include <sys/epoll.h>

#include "json.h"

const char *epoll_op_name(int op)
{
	return op == EPOLL_CTL_ADD ? "EPOLL_CTL_ADD"
	       : op == EPOLL_CTL_MOD ? "EPOLL_CTL_MOD"
	       : op == EPOLL_CTL_DEL ? "EPOLL_CTL_DEL"
				     : "?";
}

const char *epoll_events_names(uint32_t events, char *buf, size_t n)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {{EPOLLIN, "EPOLLIN"},   {EPOLLOUT, "EPOLLOUT"}, {EPOLLRDHUP, "EPOLLRDHUP"},
		    {EPOLLPRI, "EPOLLPRI"}, {EPOLLERR, "EPOLLERR"}, {EPOLLHUP, "EPOLLHUP"},
		    {EPOLLET, "EPOLLET"},   {EPOLLONESHOT, "EPOLLONESHOT"}, {EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE"}};
	struct outbuf o = outbuf_at(buf, n, 0);
	uint32_t left = events;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (events & bits[i].bit) {
			outbuf_printf(&o, "%s%s", left != events ? "|" : "", bits[i].name);
			left &= ~bits[i].bit;
		}
	if (left)
		outbuf_printf(&o, "%s%#x", left != events ? "|" : "", (unsigned)left);
	if (outbuf_finish(&o) < 0 && n)
		buf[0] = '\0';
	return buf;
}
