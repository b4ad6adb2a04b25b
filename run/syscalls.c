/* syscalls.c: the watched calls and this machine's numbers for them. */
#include "syscalls.h"

#include <elf.h>
#include <linux/audit.h>
#include <sys/syscall.h>

static const char *const names[RS_COUNT] = {
	[RS_NONE] = "", [RS_SOCKET] = "socket", [RS_BIND] = "bind", [RS_LISTEN] = "listen",
	[RS_ACCEPT] = "accept", [RS_ACCEPT4] = "accept4", [RS_CONNECT] = "connect",
	[RS_SHUTDOWN] = "shutdown", [RS_CLOSE] = "close", [RS_CLOSE_RANGE] = "close_range",
	[RS_READ] = "read", [RS_WRITE] = "write", [RS_READV] = "readv", [RS_WRITEV] = "writev",
	[RS_RECVFROM] = "recvfrom", [RS_SENDTO] = "sendto", [RS_RECVMSG] = "recvmsg",
	[RS_SENDMSG] = "sendmsg", [RS_SENDFILE] = "sendfile", [RS_SETSOCKOPT] = "setsockopt",
	[RS_GETSOCKOPT] = "getsockopt", [RS_FCNTL] = "fcntl", [RS_IOCTL] = "ioctl", [RS_DUP] = "dup",
	[RS_DUP2] = "dup2", [RS_DUP3] = "dup3", [RS_POLL] = "poll", [RS_PPOLL] = "ppoll",
	[RS_SELECT] = "select", [RS_PSELECT6] = "pselect6", [RS_EPOLL_CREATE] = "epoll_create",
	[RS_EPOLL_CREATE1] = "epoll_create1", [RS_EPOLL_CTL] = "epoll_ctl",
	[RS_EPOLL_WAIT] = "epoll_wait", [RS_EPOLL_PWAIT] = "epoll_pwait",
	[RS_EPOLL_PWAIT2] = "epoll_pwait2",
};

/* This machine's numbers: a call its arch lacks is left out by #ifdef. */
static const struct {
	long nr;
	enum run_sys sys;
} numbers[] = {
	{SYS_socket, RS_SOCKET}, {SYS_bind, RS_BIND}, {SYS_listen, RS_LISTEN},
#ifdef SYS_accept
	{SYS_accept, RS_ACCEPT},
#endif
	{SYS_accept4, RS_ACCEPT4}, {SYS_connect, RS_CONNECT}, {SYS_shutdown, RS_SHUTDOWN},
	{SYS_close, RS_CLOSE},
#ifdef SYS_close_range
	{SYS_close_range, RS_CLOSE_RANGE},
#endif
	{SYS_read, RS_READ}, {SYS_write, RS_WRITE}, {SYS_readv, RS_READV}, {SYS_writev, RS_WRITEV},
	{SYS_recvfrom, RS_RECVFROM}, {SYS_sendto, RS_SENDTO}, {SYS_recvmsg, RS_RECVMSG},
	{SYS_sendmsg, RS_SENDMSG}, {SYS_sendfile, RS_SENDFILE}, {SYS_setsockopt, RS_SETSOCKOPT},
	{SYS_getsockopt, RS_GETSOCKOPT}, {SYS_fcntl, RS_FCNTL}, {SYS_ioctl, RS_IOCTL},
	{SYS_dup, RS_DUP},
#ifdef SYS_dup2
	{SYS_dup2, RS_DUP2},
#endif
	{SYS_dup3, RS_DUP3},
#ifdef SYS_poll
	{SYS_poll, RS_POLL},
#endif
	{SYS_ppoll, RS_PPOLL},
#ifdef SYS_select
	{SYS_select, RS_SELECT},
#endif
	{SYS_pselect6, RS_PSELECT6},
#ifdef SYS_epoll_create
	{SYS_epoll_create, RS_EPOLL_CREATE},
#endif
	{SYS_epoll_create1, RS_EPOLL_CREATE1}, {SYS_epoll_ctl, RS_EPOLL_CTL},
#ifdef SYS_epoll_wait
	{SYS_epoll_wait, RS_EPOLL_WAIT},
#endif
	{SYS_epoll_pwait, RS_EPOLL_PWAIT},
#ifdef SYS_epoll_pwait2
	{SYS_epoll_pwait2, RS_EPOLL_PWAIT2},
#endif
};

#define NUMBERS (sizeof(numbers) / sizeof(numbers[0]))

const char *run_sys_name(enum run_sys s)
{
	return s > RS_NONE && s < RS_COUNT ? names[s] : "";
}

enum run_sys run_sys_of(long nr)
{
	for (size_t i = 0; i < NUMBERS; i++)
		if (numbers[i].nr == nr)
			return numbers[i].sys;
	return RS_NONE;
}

size_t run_sys_numbers(long *out, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < NUMBERS && k < n; i++)
		out[k++] = numbers[i].nr;
	return k;
}

uint32_t run_sys_audit_arch(void)
{
#if defined(__x86_64__)
	return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	return AUDIT_ARCH_AARCH64;
#else
#error "socklab run knows the system calls of x86_64 and aarch64 only"
#endif
}

bool run_sys_foreign_elf(const unsigned char *hdr, size_t n)
{
#if defined(__x86_64__)
	const unsigned native = EM_X86_64;
#elif defined(__aarch64__)
	const unsigned native = EM_AARCH64;
#endif
	unsigned machine;

	if (n < 20 || hdr[EI_MAG0] != ELFMAG0 || hdr[EI_MAG1] != ELFMAG1 || hdr[EI_MAG2] != ELFMAG2 ||
	    hdr[EI_MAG3] != ELFMAG3)
		return false; /* no ELF: the kernel runs it through an interpreter of ours */
	machine = hdr[EI_DATA] == ELFDATA2MSB ? (unsigned)hdr[18] << 8 | hdr[19] : (unsigned)hdr[19] << 8 | hdr[18];
	return hdr[EI_CLASS] != ELFCLASS64 || machine != native;
}
