/* restart_probe: a blocking accept() that a signal interrupts, for
 * tests/it/it_run_signals.sh. It listens on 127.0.0.1 (port 0: the kernel
 * picks one), says "port N" on stdout, installs a SIGUSR1 handler (with
 * SA_RESTART, or without it), and blocks in accept(). The handler writes
 * "signal" on stdout. With SA_RESTART the kernel restarts accept() and the
 * program sees one call; without it accept() fails with EINTR, which the
 * program says ("accept: EINTR") before it calls accept() again. Either
 * way it ends once one connection came: "accepted".
 *
 * usage: restart_probe restart|eintr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_usr1(int sig)
{
	static const char msg[] = "signal\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	struct sigaction act = {.sa_handler = on_usr1};
	int lfd, fd;

	if (argc != 2 || (strcmp(argv[1], "restart") != 0 && strcmp(argv[1], "eintr") != 0)) {
		fprintf(stderr, "usage: restart_probe restart|eintr\n");
		return 2;
	}
	sigemptyset(&act.sa_mask);
	act.sa_flags = strcmp(argv[1], "restart") == 0 ? SA_RESTART : 0;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) < 0 || sigaction(SIGUSR1, &act, NULL) < 0) {
		perror("restart_probe");
		return 1;
	}
	printf("port %d\n", ntohs(sa.sin_port));
	fflush(stdout);
	while ((fd = accept(lfd, NULL, NULL)) < 0) {
		if (errno != EINTR) {
			perror("restart_probe: accept");
			return 1;
		}
		printf("accept: EINTR\n");
		fflush(stdout);
	}
	printf("accepted\n");
	close(fd);
	close(lfd);
	return 0;
}
