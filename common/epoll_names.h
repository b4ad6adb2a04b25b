/* epoll_names.h: epoll_ctl's operations and event bits by the names a C
 * programmer writes ("EPOLL_CTL_ADD", "EPOLLIN|EPOLLEXCLUSIVE"): one table
 * for every program that prints an epoll_ctl call (lab/, run/). Pure. */
#ifndef SOCKLAB_EPOLL_NAMES_H
#define SOCKLAB_EPOLL_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* "EPOLL_CTL_ADD", "EPOLL_CTL_MOD", "EPOLL_CTL_DEL", or "?". */
const char *epoll_op_name(int op);

/* The bits of events joined by '|' ("" for none; a bit the table does not
 * know as its hex value) into buf; returns buf. */
const char *epoll_events_names(uint32_t events, char *buf, size_t n);

#endif
