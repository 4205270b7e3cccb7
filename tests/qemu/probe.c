/* Performs one operation and prints "ok" or "errno N" (like tests/cli/probe.py, which
 * needs python3: the qemu initramfs has only busybox, so this is built static).
 * Daemon ops ("listen", "abstract-listen", "sleeper") fork a background process once it
 * is ready, print its pid (and port) and return, so the caller needs no sleep or poll.
 *
 *   probe read PATH | list DIR | write PATH | rename FROM TO | link FROM TO
 *   probe truncate-path PATH | ioctl-tty PATH | connect IPV4 PORT | thread-connect IPV4 PORT
 *   probe bind PORT
 *   probe kill PID SIG | kill-own-child | abstract-connect NAME | abstract-self
 *   probe unshare-user
 *   probe listen PORT          -> "PID PORT" (PORT 0: an ephemeral port)
 *   probe abstract-listen NAME -> "PID"
 *   probe sleeper              -> "PID"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Every op returns 0 on success or an errno. */
typedef int (*op_fn)(char **args);

static int check(int rc) { return rc < 0 ? errno : 0; }

static int op_read(char **a) {
  char c;
  int fd = open(a[0], O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = check((int)read(fd, &c, 1));
  close(fd);
  return err;
}

static int op_list(char **a) {
  DIR *d = opendir(a[0]);
  if (!d) return errno;
  closedir(d);
  return 0;
}

static int op_write(char **a) {
  int fd = open(a[0], O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = check((int)write(fd, "x", 1));
  close(fd);
  return err;
}

static int op_rename(char **a) { return check(rename(a[0], a[1])); }
static int op_link(char **a) { return check(link(a[0], a[1])); }
static int op_truncate_path(char **a) { return check(truncate(a[0], 0)); }

/* TIOCGWINSZ: a non-terminal answers ENOTTY once the ioctl gets through Landlock. */
static int op_ioctl_tty(char **a) {
  struct winsize ws;
  int fd = open(a[0], O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = check(ioctl(fd, TIOCGWINSZ, &ws));
  close(fd);
  return err;
}

static int inet_socket_at(const char *ip, int port, struct sockaddr_in *sin) {
  memset(sin, 0, sizeof *sin);
  sin->sin_family = AF_INET;
  sin->sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, ip, &sin->sin_addr);
  return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int op_connect(char **a) {
  struct sockaddr_in sin;
  int fd = inet_socket_at(a[0], atoi(a[1]), &sin);
  if (fd < 0) return errno;
  int err = check(connect(fd, (struct sockaddr *)&sin, sizeof sin));
  close(fd);
  return err;
}

/* The same connect from a second thread: the supervisor must find the caller's fd table
 * from a thread's id (before Linux 6.9 a pidfd names thread-group leaders only). */
struct thread_connect {
  char **args;
  int err;
};

static void *thread_connect_main(void *p) {
  struct thread_connect *t = p;
  t->err = op_connect(t->args);
  return NULL;
}

static int op_thread_connect(char **a) {
  struct thread_connect t = {a, 0};
  pthread_t th;
  int err = pthread_create(&th, NULL, thread_connect_main, &t);
  if (err) return err;
  pthread_join(th, NULL);
  return t.err;
}

static int op_bind(char **a) {
  struct sockaddr_in sin;
  int one = 1;
  int fd = inet_socket_at("127.0.0.1", atoi(a[0]), &sin);
  if (fd < 0) return errno;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int err = check(bind(fd, (struct sockaddr *)&sin, sizeof sin));
  close(fd);
  return err;
}

static int op_kill(char **a) { return check(kill(atoi(a[0]), atoi(a[1]))); }

static int op_kill_own_child(char **a) {
  (void)a;
  pid_t pid = fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    pause();
    _exit(0);
  }
  int err = check(kill(pid, SIGTERM));
  waitpid(pid, NULL, 0);
  return err;
}

static socklen_t abstract_addr(const char *name, struct sockaddr_un *sun) {
  memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  size_t n = strnlen(name, sizeof sun->sun_path - 1);
  memcpy(sun->sun_path + 1, name, n);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int unix_connect(const char *name) {
  struct sockaddr_un sun;
  socklen_t len = abstract_addr(name, &sun);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int err = check(connect(fd, (struct sockaddr *)&sun, len));
  close(fd);
  return err;
}

static int unix_listen(const char *name) {
  struct sockaddr_un sun;
  socklen_t len = abstract_addr(name, &sun);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) != 0 || listen(fd, 16) != 0) return -1;
  return fd;
}

static int op_abstract_connect(char **a) { return unix_connect(a[0]); }

/* A socket created inside the sandbox is inside its scope: connecting to it works. */
static int op_abstract_self(char **a) {
  (void)a;
  char name[64];
  snprintf(name, sizeof name, "sandlock-qemu-self-%d", (int)getpid());
  int fd = unix_listen(name);
  if (fd < 0) return errno;
  int err = unix_connect(name);
  close(fd);
  return err;
}

static int op_unshare_user(char **a) {
  (void)a;
  return check(unshare(CLONE_NEWUSER));
}

/* Keeps `fd` open in a background child; prints the child's pid and `port` (if > 0). */
static int daemonize(int fd, int port) {
  if (fd < 0) return errno;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    /* Detach from the caller's pipes so $(probe listen ...) returns. */
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0), dup2(null, 1), dup2(null, 2);
    setsid();
    for (;;) pause();
  }
  if (port > 0)
    printf("%d %d\n", (int)pid, port);
  else
    printf("%d\n", (int)pid);
  exit(0);
}

static int op_listen(char **a) {
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  int fd = inet_socket_at("127.0.0.1", atoi(a[0]), &sin);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(fd, 64) != 0) return errno;
  getsockname(fd, (struct sockaddr *)&sin, &len);
  return daemonize(fd, ntohs(sin.sin_port));
}

static int op_abstract_listen(char **a) { return daemonize(unix_listen(a[0]), 0); }
static int op_sleeper(char **a) {
  (void)a;
  return daemonize(open("/dev/null", O_RDONLY), 0);
}

struct op {
  const char *name;
  int nargs;
  op_fn fn;
};

static const struct op kOps[] = {
    {"read", 1, op_read},
    {"list", 1, op_list},
    {"write", 1, op_write},
    {"rename", 2, op_rename},
    {"link", 2, op_link},
    {"truncate-path", 1, op_truncate_path},
    {"ioctl-tty", 1, op_ioctl_tty},
    {"connect", 2, op_connect},
    {"thread-connect", 2, op_thread_connect},
    {"bind", 1, op_bind},
    {"kill", 2, op_kill},
    {"kill-own-child", 0, op_kill_own_child},
    {"abstract-connect", 1, op_abstract_connect},
    {"abstract-self", 0, op_abstract_self},
    {"unshare-user", 0, op_unshare_user},
    {"listen", 1, op_listen},
    {"abstract-listen", 1, op_abstract_listen},
    {"sleeper", 0, op_sleeper},
};

int main(int argc, char **argv) {
  for (size_t i = 0; argc >= 2 && i < sizeof kOps / sizeof kOps[0]; ++i) {
    if (strcmp(argv[1], kOps[i].name) != 0) continue;
    if (argc - 2 != kOps[i].nargs) break;
    int err = kOps[i].fn(argv + 2);
    if (err)
      printf("errno %d\n", err);
    else
      printf("ok\n");
    return 0;
  }
  fprintf(stderr, "usage: probe OP ARGS... (see the comment in probe.c)\n");
  return 2;
}
