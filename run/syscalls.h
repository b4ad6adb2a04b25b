/* syscalls.h: the system calls socklab run watches, by an arch-neutral
 * name, and this machine's numbers for them. The numbers come from the
 * build's <sys/syscall.h>, so an aarch64 build gets aarch64's table, which
 * has no poll, select, epoll_wait, epoll_create or dup2 (its libc uses
 * ppoll, pselect6, epoll_pwait, epoll_create1 and dup3). Pure. */
#ifndef SOCKLAB_RUN_SYSCALLS_H
#define SOCKLAB_RUN_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum run_sys {
	RS_NONE,
	RS_SOCKET, RS_BIND, RS_LISTEN, RS_ACCEPT, RS_ACCEPT4, RS_CONNECT, RS_SHUTDOWN,
	RS_CLOSE, RS_CLOSE_RANGE,
	RS_READ, RS_WRITE, RS_READV, RS_WRITEV, RS_RECVFROM, RS_SENDTO, RS_RECVMSG, RS_SENDMSG,
	RS_SENDFILE,
	RS_SETSOCKOPT, RS_GETSOCKOPT, RS_FCNTL, RS_IOCTL,
	RS_DUP, RS_DUP2, RS_DUP3,
	RS_POLL, RS_PPOLL, RS_SELECT, RS_PSELECT6,
	RS_EPOLL_CREATE, RS_EPOLL_CREATE1, RS_EPOLL_CTL, RS_EPOLL_WAIT, RS_EPOLL_PWAIT, RS_EPOLL_PWAIT2,
	RS_COUNT
};

/* The call's name as the records write it ("accept4"), "" for RS_NONE. */
const char *run_sys_name(enum run_sys s);

/* The call a system call number of this machine is, or RS_NONE. */
enum run_sys run_sys_of(long nr);

/* This machine's numbers of every watched call, into out (at most n);
 * returns how many (the seccomp filter traps exactly these). */
size_t run_sys_numbers(long *out, size_t n);

/* The AUDIT_ARCH_* value of the tracees the numbers are for. */
uint32_t run_sys_audit_arch(void);

/* True when hdr (the first n bytes of a program file) is the ELF header of
 * a program whose calls are not of this arch: a 32-bit one (i386 or x32 on
 * x86_64, arm on aarch64) or another machine's. Its calls go past the
 * filter (which checks the arch) and are not decoded. False for this
 * arch's programs and for anything that is no ELF file. */
bool run_sys_foreign_elf(const unsigned char *hdr, size_t n);

#endif
