# Performs one operation inside a sandbox and prints "ok" or "errno N".
# Run as: python3 -c "$(cat probe.py)" OP ARGS...  (no file of ours needs to be readable)
import errno, os, socket, sys

def run(op, args):
    if op == "read":
        with open(args[0], "rb") as f:
            f.read(1)
    elif op == "list":
        os.listdir(args[0])
    elif op == "write":
        fd = os.open(args[0], os.O_WRONLY)
        os.write(fd, b"x")
        os.close(fd)
    elif op == "create":
        fd = os.open(args[0], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.close(fd)
    elif op == "mkdir":
        os.mkdir(args[0])
    elif op == "remove":
        os.unlink(args[0])
    elif op == "rename":
        os.rename(args[0], args[1])
    elif op == "link":
        os.link(args[0], args[1])
    elif op == "truncate":
        fd = os.open(args[0], os.O_RDONLY)
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)
    elif op == "truncate-path":
        os.truncate(args[0], 0)
    elif op == "exec":
        pid = os.fork()
        if pid == 0:
            try:
                os.execv(args[0], [args[0]] + args[1:])
            except OSError as e:
                os._exit(100 + e.errno)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code >= 100:
            raise OSError(code - 100, "exec")
    elif op == "ioctl":
        import fcntl, termios
        fd = os.open(args[0], os.O_RDONLY)
        try:
            fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
        finally:
            os.close(fd)
    elif op == "connect":
        family = socket.AF_INET6 if ":" in args[0] else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect((args[0], int(args[1])))
        s.close()
    elif op == "bind":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(args[0])))
        s.close()
    elif op == "kill":
        os.kill(int(args[0]), int(args[1]))
    elif op == "kill-own-child":
        import signal, time
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    elif op == "abstract-connect":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect("\0" + args[0])
        s.close()
    elif op == "abstract-self":
        name = "\0sandlock-inside-%d" % os.getpid()
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(name)
        srv.listen(1)
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(name)
        c.close()
        srv.close()
    elif op in ("unshare-user", "unshare-net"):
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(0x10000000 if op == "unshare-user" else 0x40000000) != 0:
            raise OSError(ctypes.get_errno(), op)
    elif op == "setns":
        fd = os.open("/proc/self/ns/net", os.O_RDONLY)
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.setns(fd, 0) != 0:
                raise OSError(ctypes.get_errno(), "setns")
        finally:
            os.close(fd)
    elif op in ("mount", "ptrace", "bpf", "keyctl", "personality", "io_uring_setup", "clone-newuser", "clone3", "tiocsti", "raw-socket"):
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        nr = {"mount": 165, "ptrace": 101, "bpf": 321, "keyctl": 250, "personality": 135,
              "io_uring_setup": 425, "clone-newuser": 56, "clone3": 435}
        if op == "mount":
            rc = libc.syscall(nr[op], b"none", b"/tmp", b"tmpfs", 0, None)
        elif op == "ptrace":
            rc = libc.syscall(nr[op], 16, os.getppid(), 0, 0)  # PTRACE_ATTACH
        elif op == "bpf":
            rc = libc.syscall(nr[op], 0, None, 0)
        elif op == "keyctl":
            rc = libc.syscall(nr[op], 0, -3, 0)  # KEYCTL_GET_KEYRING_ID, session
        elif op == "personality":
            rc = libc.syscall(nr[op], 0x0400000)  # READ_IMPLIES_EXEC
        elif op == "io_uring_setup":
            params = ctypes.create_string_buffer(120)
            rc = libc.syscall(nr[op], 1, params)
        elif op == "clone-newuser":
            rc = libc.syscall(nr[op], 0x10000000 | 17, 0, 0, 0, 0)  # CLONE_NEWUSER|SIGCHLD
            if rc == 0:
                os._exit(0)
            if rc > 0:
                os.waitpid(rc, 0)
                rc = 0
        elif op == "clone3":
            args_buf = ctypes.create_string_buffer(88)
            rc = libc.syscall(nr[op], args_buf, 88)
            if rc == 0:
                os._exit(0)
            if rc > 0:
                os.waitpid(rc, 0)
                rc = 0
        elif op == "tiocsti":
            import fcntl, termios
            fd = os.open("/dev/null", os.O_RDONLY)
            try:
                rc = libc.ioctl(fd, termios.TIOCSTI, ctypes.c_char_p(b"x"))
            finally:
                os.close(fd)
        elif op == "raw-socket":
            rc = libc.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        if rc < 0:
            raise OSError(ctypes.get_errno(), op)
    elif op == "alloc":
        b = bytearray(int(args[0]) * 1024 * 1024)
        b[-1] = 1
    elif op == "open-files":
        fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(int(args[0]))]
    elif op == "file-size":
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        with open(args[0], "wb") as f:
            f.write(b"x" * (int(args[1]) * 1024))
    elif op == "fork-many":
        pids = []
        try:
            for _ in range(int(args[0])):
                pid = os.fork()
                if pid == 0:
                    import time
                    time.sleep(2)
                    os._exit(0)
                pids.append(pid)
        finally:
            for p in pids:
                os.kill(p, 9)
                os.waitpid(p, 0)
    elif op == "busy":
        while True:
            pass
    else:
        raise SystemExit("unknown op " + op)

try:
    run(sys.argv[1], sys.argv[2:])
    print("ok")
except MemoryError:
    print("errno %d" % errno.ENOMEM)
except OSError as e:
    print("errno %d" % e.errno)
sys.stdout.flush()
