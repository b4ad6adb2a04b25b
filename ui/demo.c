/* demo.c: scenarios and the lab processes that play them. */
#include "demo.h"
#include "errtext.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MSG "-m", "hello"

/* A Python echo server as a student writes it: blocking calls, one client
 * at a time, "server-" and what it read back, like the seed's Go server. */
#define PY_ECHO_SERVER                                                                                           \
	"import socket, sys\n"                                                                                  \
	"s = socket.socket()\n"                                                                                 \
	"s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"                                             \
	"s.bind(('127.0.0.1', int(sys.argv[1])))\n"                                                             \
	"s.listen(5)\n"                                                                                         \
	"while True:\n"                                                                                         \
	"    conn, peer = s.accept()\n"                                                                         \
	"    while True:\n"                                                                                     \
	"        data = conn.recv(4096)\n"                                                                      \
	"        if not data:\n"                                                                                \
	"            break\n"                                                                                   \
	"        conn.sendall(b'server-' + data)\n"                                                             \
	"    conn.close()\n"

static const struct demo_scenario scenarios[] = {
	{"echo", {"handshake, one echo, close (the client closes first and ends in TIME_WAIT)",
		  "握手，一次回显，关闭（客户端先关闭，最后处于 TIME_WAIT）"},
	 {NULL}, {MSG, NULL}, false, {NULL}, NULL, NULL},
	{"server-close", {"the server closes first: the server ends in TIME_WAIT, the client in CLOSED",
			  "服务器先关闭：服务器最后处于 TIME_WAIT，客户端处于 CLOSED"},
	 {"--close-first", NULL}, {MSG, "--hold", "1000", NULL}, false, {NULL}, NULL, NULL},
	{"half-close", {"the client sends, shuts down its sending side (shutdown SHUT_WR), then reads the reply the "
			"server writes after the client's FIN",
			"客户端发送后关闭自己的发送方向（shutdown SHUT_WR），然后读取服务器在收到客户端的 FIN 之后才写的回复"},
	 {"--reply-at-eof", NULL}, {MSG, "--half-close", NULL}, false, {NULL}, NULL, NULL},
	{"rst", {"abortive close: SO_LINGER 0 makes close() send RST; nobody goes to TIME_WAIT",
		 "异常关闭：SO_LINGER 为 0 时 close() 发出 RST；谁都不进入 TIME_WAIT"},
	 {"--linger0", NULL}, {MSG, "--hold", "1000", NULL}, false, {NULL}, NULL, NULL},
	{"unread", {"the server closes with unread data queued: the kernel sends RST instead of FIN",
		    "服务器关闭时还有未读的数据：内核发出 RST 而不是 FIN"},
	 {"--no-read", NULL}, {MSG, "--hold", "1000", NULL}, false, {NULL}, NULL, NULL},
	{"refused", {"connect() to a port nobody listens on: the kernel answers the SYN with RST, ECONNREFUSED",
		     "connect() 连接一个没有人监听的端口：内核用 RST 回答 SYN，ECONNREFUSED"},
	 {NULL}, {MSG, NULL}, true, {NULL}, NULL, NULL},
	{"accept-delay", {"the server waits 2 s before accept(): the handshake completes without it (accept queue)",
			  "服务器在 accept() 之前等待 2 秒：握手不需要它也能完成（accept 队列）"},
	 {"--accept-delay", "2000", NULL}, {MSG, NULL}, false, {NULL}, NULL, NULL},
	{"python", {"a Python echo server (python3, blocking calls) under socklab run, echo-client against it; needs "
		    "python3",
		    "在 socklab run 下运行的 Python 回显服务器（python3，阻塞调用），echo-client 连接它；需要 python3"},
	 {NULL}, {MSG, NULL}, false, {"python3", "-c", PY_ECHO_SERVER, "{port}", NULL}, NULL, "python3"},
};

/* The seed's server with one edit: the address from "-p PORT". Written
 * into the user's cache directory (a lab program run as another user, whose
 * $HOME is not its own: one of its own in /tmp, reused) and built there; go
 * build is fast the second time (its cache is in the same directory). */
const struct demo_scenario demo_go_seed_server = {
	"go-seed-server",
	{"the seed's Go echo server under socklab run", "socklab run 下的种子文档 Go 回显服务器"},
	{NULL},
	{NULL},
	false,
	{"./server", "-p", "{port}", NULL},
	"set -e\n"
	"d=\"${XDG_CACHE_HOME:-$HOME/.cache}/socklab/go-seed-server\"\n"
	"if ! mkdir -p \"$d\" 2>/dev/null || [ ! -w \"$d\" ]; then\n"
	"\td=\"${TMPDIR:-/tmp}/socklab-go-seed-$(id -u)\"\n"
	"\tmkdir -m 700 \"$d\" 2>/dev/null || true\n"
	"\t[ -d \"$d\" ] && [ ! -L \"$d\" ] && [ -O \"$d\" ] || { echo \"socklab: $d is not a directory of mine\" >&2; exit 1; }\n"
	"fi\n"
	"cd \"$d\"\n"
	"cat >go.mod <<'EOF'\n"
	"module seedserver\n"
	"\n"
	"go 1.19\n"
	"EOF\n"
	"cat >main.go <<'EOF'\n"
	"package main\n"
	"\n"
	"import (\n"
	"\t\"bufio\"\n"
	"\t\"fmt\"\n"
	"\t\"net\"\n"
	"\t\"os\"\n"
	")\n"
	"\n"
	"func main() {\n"
	"\t// 1. 监听端口 (socklab: the port from -p PORT instead of 8080)\n"
	"\taddr := \"127.0.0.1:8080\"\n"
	"\tif len(os.Args) == 3 && os.Args[1] == \"-p\" {\n"
	"\t\taddr = \"127.0.0.1:\" + os.Args[2]\n"
	"\t}\n"
	"\tlistener, err := net.Listen(\"tcp\", addr)\n"
	"\tif err != nil {\n"
	"\t\tfmt.Println(\"listen fail err\", err)\n"
	"\t\treturn\n"
	"\t}\n"
	"\n"
	"\tdefer listener.Close()\n"
	"\n"
	"\tfor {\n"
	"\t\t// 2. 接收客户端请求建立链接\n"
	"\t\tconn, err := listener.Accept()\n"
	"\t\tif err != nil {\n"
	"\t\t\tfmt.Println(\"accept fail err\", err)\n"
	"\t\t\tcontinue\n"
	"\t\t}\n"
	"\n"
	"\t\t// 3. 创建goroutine处理链接\n"
	"\t\tgo handler(conn)\n"
	"\n"
	"\t}\n"
	"}\n"
	"\n"
	"func handler(conn net.Conn) {\n"
	"\tdefer fmt.Println(\"conn链接关闭了\")\n"
	"\tdefer conn.Close() // 关闭链接\n"
	"\n"
	"\treader := bufio.NewReader(conn)\n"
	"\tfor {\n"
	"\t\tvar buf [4096]byte\n"
	"\t\tn, err := reader.Read(buf[:]) // 读取数据\n"
	"\t\tif err != nil {\n"
	"\t\t\tbreak\n"
	"\t\t}\n"
	"\t\trecvStr := string(buf[:n])\n"
	"\t\tfmt.Println(\"收到Client发来的数据: \", recvStr)\n"
	"\t\trecvStr = \"server-\" + recvStr\n"
	"\t\tconn.Write([]byte(recvStr))\n"
	"\t}\n"
	"\n"
	"}\n"
	"EOF\n"
	"export GOCACHE=\"$d/cache\" GOPATH=\"$d/gopath\" GOFLAGS=-mod=mod GOTOOLCHAIN=local GOENV=off\n"
	"go build -o server.$$ . && mv -f server.$$ server\n"
	"exec \"$@\"\n",
	"go",
};

bool demo_available(const struct demo_scenario *s)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];

	if (!s->needs)
		return true;
	while (path && *path) {
		size_t len = strcspn(path, ":");
		if (snprintf(file, sizeof(file), "%.*s/%s", (int)len, len ? path : ".", s->needs) < (int)sizeof(file) &&
		    access(file, X_OK) == 0)
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

const struct demo_scenario *demo_find(const char *name)
{
	if (!name || !*name)
		return &scenarios[0];
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(scenarios[i].name, name) == 0)
			return &scenarios[i];
	return NULL;
}

const struct demo_scenario *demo_at(size_t i)
{
	return i < sizeof(scenarios) / sizeof(scenarios[0]) ? &scenarios[i] : NULL;
}

struct demo {
	struct demo_opts o;
	pid_t server, client;
	int client_gate;         /* on the wire: the forked client waits for a byte here */
	bool client_started, client_done, server_done;
};

int demo_free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

int demo_bindir(char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (len < 0)
		return -1;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return snprintf(buf, n, "%s", exe) < (int)n ? 0 : -1;
}

/* Starts path with argv; its output goes to /dev/null (the screen belongs
 * to curses), to output (stdout and stderr), or only its stderr to errors.
 * On the wire it runs in host's namespace and, with gate >= 0, waits for a
 * byte on gate before it execs. */
static pid_t fork_exec(const struct demo_opts *o, const char *path, const char *const *argv, const char *output,
		       const char *errors, enum wire_host host, int gate, char *err, size_t errlen)
{
	pid_t pid, parent = getpid();

	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "demo: fork: %s", errtext(errno));
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int out = output ? open(output, O_WRONLY | O_CREAT | O_APPEND, 0600) : null;
		int errfd = output ? out : errors ? open(errors, O_WRONLY | O_CREAT | O_APPEND, 0600) : null;
		setpgid(0, 0); /* Ctrl-C in the terminal is the UI's, not theirs */
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(out >= 0 ? out : null, STDOUT_FILENO);
			dup2(errfd >= 0 ? errfd : null, STDERR_FILENO);
		}
		/* into its host while the lab may still (before root is dropped) */
		if (o->wire && wire_enter(o->wire, host, err, errlen) < 0)
			_exit(124);
		if (gate >= 0 && dup2(gate, STDERR_FILENO + 1) < 0)
			_exit(124);
		/* nothing else of the UI's: not these two, not its packet socket */
		closefrom(STDERR_FILENO + 1 + (gate >= 0));
		if (o->run_as >= 0 && getuid() == 0 &&
		    (setgroups(0, NULL) < 0 || setgid((gid_t)o->run_as_gid) < 0 || setuid((uid_t)o->run_as) < 0))
			_exit(126);
		/* after setuid, which clears it; and the UI may already be gone */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(125);
		if (gate >= 0) {
			char go;
			if (read(STDERR_FILENO + 1, &go, 1) != 1) /* the demo ended first */
				_exit(0);
			close(STDERR_FILENO + 1);
		}
		execv(path, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int lab_program(const struct demo_opts *o, const char *prog, char *path, size_t n, char *err, size_t errlen)
{
	snprintf(path, n, "%s/%s", o->bindir, prog);
	if (access(path, X_OK) < 0) {
		snprintf(err, errlen, "demo: %s: %s (run make first)", path, errtext(errno));
		return -1;
	}
	return 0;
}

/* Runs BINDIR/prog with the scenario's arguments and the common ones. */
static pid_t spawn(const struct demo_opts *o, const char *prog, const char *const *args, bool client,
		   const char *output, const char *errors, int gate, char *err, size_t errlen)
{
	char path[PATH_MAX], port[16];
	const char *argv[DEMO_MAX_ARGS + 12];
	int argc = 0;

	if (lab_program(o, prog, path, sizeof(path), err, errlen) < 0)
		return -1;
	snprintf(port, sizeof(port), "%d", o->port);
	argv[argc++] = prog;
	if (client) {
		argv[argc++] = o->wire ? wire_addr(WIRE_SERVER) : "127.0.0.1";
		argv[argc++] = port;
	} else {
		argv[argc++] = "-p";
		argv[argc++] = port;
		if (o->wire) {
			argv[argc++] = "-b";
			argv[argc++] = wire_addr(WIRE_SERVER);
		}
	}
	for (int i = 0; args[i] && i < DEMO_MAX_ARGS; i++)
		argv[argc++] = args[i];
	argv[argc++] = "--events";
	argv[argc++] = o->events_path;
	argv[argc++] = "--quiet";
	if (o->step)
		argv[argc++] = "--step";
	argv[argc] = NULL;
	return fork_exec(o, path, argv, output, errors, client ? WIRE_CLIENT : WIRE_SERVER, gate, err, errlen);
}

/* The scenario's server under `socklab run` (BINDIR/socklab), after its
 * build script when it has one. */
static pid_t spawn_traced(const struct demo_opts *o, char *err, size_t errlen)
{
	const struct demo_scenario *s = o->scenario;
	char path[PATH_MAX], port[16];
	const char *argv[DEMO_MAX_ARGS + 16];
	int argc = 0;

	if (!demo_available(s)) {
		snprintf(err, errlen, "demo %s: %s is not installed (install it, or pick another: socklab demo --list)", s->name,
			 s->needs);
		return -1;
	}
	if (lab_program(o, "socklab", path, sizeof(path), err, errlen) < 0)
		return -1;
	snprintf(port, sizeof(port), "%d", o->port);
	if (s->build) {
		argv[argc++] = "sh";
		argv[argc++] = "-c";
		argv[argc++] = s->build;
		argv[argc++] = "sh";
		argv[argc++] = path;
	} else {
		argv[argc++] = "socklab";
	}
	argv[argc++] = "run";
	argv[argc++] = "--events";
	argv[argc++] = o->events_path;
	argv[argc++] = "--quiet";
	if (o->step)
		argv[argc++] = "--step";
	argv[argc++] = "--";
	for (int i = 0; s->traced_server[i] && i < DEMO_MAX_ARGS; i++)
		argv[argc++] = strcmp(s->traced_server[i], "{port}") == 0 ? port : s->traced_server[i];
	argv[argc] = NULL;
	return fork_exec(o, s->build ? "/bin/sh" : path, argv, NULL, o->server_errors, WIRE_SERVER, -1, err, errlen);
}

struct demo *demo_start(const struct demo_opts *o, char *err, size_t errlen)
{
	struct demo *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, errlen, "demo: out of memory");
		return NULL;
	}
	d->o = *o;
	d->server = d->client = -1;
	d->client_gate = -1;
	if (o->wire && o->scenario->traced_server[0]) {
		snprintf(err, errlen, "demo %s: runs on loopback only, not on two hosts (drop --delay and the other wire "
				      "switches)", o->scenario->name);
		free(d);
		return NULL;
	}
	if (!o->scenario->no_server) {
		d->server = o->scenario->traced_server[0]
				    ? spawn_traced(o, err, errlen)
				    : spawn(o, "echo-server", o->scenario->server_args, false, NULL, o->server_errors, -1,
					    err, errlen);
		if (d->server < 0) {
			free(d);
			return NULL;
		}
	}
	if (o->wire) {
		int gate[2];
		if (pipe2(gate, O_CLOEXEC) < 0) {
			snprintf(err, errlen, "demo: pipe: %s", errtext(errno));
			demo_stop(d);
			return NULL;
		}
		d->client = spawn(o, "echo-client", o->scenario->client_args, true, o->client_output, NULL, gate[0], err,
				  errlen);
		close(gate[0]);
		d->client_gate = gate[1];
		if (d->client < 0) {
			demo_stop(d);
			return NULL;
		}
	}
	return d;
}

int demo_start_client(struct demo *d, char *err, size_t errlen)
{
	if (d->client_gate >= 0) { /* forked already: let it go */
		d->client_started = write(d->client_gate, "g", 1) == 1;
		close(d->client_gate);
		d->client_gate = -1;
		if (!d->client_started)
			snprintf(err, errlen, "demo: the client is gone before its start");
		return d->client_started ? 0 : -1;
	}
	d->client = spawn(&d->o, "echo-client", d->o.scenario->client_args, true, d->o.client_output, NULL, -1, err,
			  errlen);
	d->client_started = d->client > 0;
	return d->client > 0 ? 0 : -1;
}

bool demo_client_started(const struct demo *d)
{
	return d->client_started;
}

bool demo_server_done(struct demo *d)
{
	if (d->server > 0 && waitpid(d->server, NULL, WNOHANG) == d->server) {
		d->server = -1;
		d->server_done = true;
	}
	return d->server_done;
}

bool demo_client_done(struct demo *d)
{
	if (d->client > 0 && !d->client_done && waitpid(d->client, NULL, WNOHANG) == d->client)
		d->client_done = true;
	demo_server_done(d);
	return d->client_done;
}

static void stop_child(pid_t pid)
{
	struct timespec pause = {0, 10 * 1000 * 1000};

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) { /* half a second to leave politely */
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		nanosleep(&pause, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void demo_stop(struct demo *d)
{
	if (!d)
		return;
	if (d->client_gate >= 0)
		close(d->client_gate); /* a client never let go ends */
	if (!d->client_done)
		stop_child(d->client);
	stop_child(d->server);
	free(d);
}
