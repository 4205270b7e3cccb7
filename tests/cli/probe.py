# Performs one operation inside a sandbox and prints "ok" or "errno N".
# Run as: python3 -c "$(cat probe.py)" OP ARGS...  (no file of ours needs to be readable)
import errno, os, socket, stat, sys

def sockaddr_in(host, port):
    import struct
    return struct.pack("=HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton(host))

def permitted_capabilities():
    """The low 32 bits of this process's permitted capability set (capget)."""
    import ctypes, struct
    libc = ctypes.CDLL(None, use_errno=True)
    data = ctypes.create_string_buffer(24)
    if libc.capget(ctypes.c_char_p(struct.pack("II", 0x20080522, 0)), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    return struct.unpack("6I", data.raw)[1]

def mmsghdr_types():
    """ctypes layouts of struct iovec and struct mmsghdr (x86-64), for sendmmsg(2)."""
    import ctypes
    class Iov(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    class MMsg(ctypes.Structure):
        _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32), ("iov", ctypes.c_void_p),
                    ("iovlen", ctypes.c_size_t), ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                    ("flags", ctypes.c_int), ("pad", ctypes.c_int), ("len", ctypes.c_uint), ("pad2", ctypes.c_int)]
    return Iov, MMsg

class Alarm(Exception):
    """Raised by ring(), a SIGALRM handler: the call it interrupts ends with it."""

def ring(*_):
    raise Alarm()

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
    elif op == "mknod-null":  # a character device node of /dev/null's numbers (1, 3), then a read of it
        os.mknod(args[0], 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        with open(args[0], "rb") as f:
            f.read(1)
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
    elif op == "tfo":  # a TCP Fast Open send: connects and sends in one call
        family = socket.AF_INET6 if ":" in args[0] else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.sendto(b"tfo", getattr(socket, "MSG_FASTOPEN", 0x20000000), (args[0], int(args[1])))
        s.close()
    elif op == "source-route":  # sets a source route: IPv4 options (NOOPs) or an IPv6 segment routing header
        if args[0] == "v4":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x01\x01\x01\x01")
        else:
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            srh = bytes([0, 4, 4, 1, 1, 0, 0, 0]) + bytes(16) + socket.inet_pton(socket.AF_INET6, "::1")
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RTHDR, srh)
        s.close()
    elif op == "udp-cmsg":  # a datagram carrying one control message: ttl (IP_TTL) or retopts (IP_RETOPTS, NOOPs)
        import struct
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        cmsg = {"ttl": (socket.IPPROTO_IP, socket.IP_TTL, struct.pack("i", 64)),
                "retopts": (socket.IPPROTO_IP, 7, b"\x01\x01\x01\x01")}[args[2]]
        s.sendmsg([b"sandlock"], [cmsg], 0, (args[0], int(args[1])))
        s.close()
    elif op == "bind-as-nobody":  # gives up root (and every capability), then binds 127.0.0.1:PORT
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", int(args[0])))
        s.close()
    elif op == "udp-any":  # a UDP socket connects to 0.0.0.0:PORT (the kernel: this host) and sends
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("0.0.0.0", int(args[0])))
        s.send(b"sandlock")
        s.close()
    elif op == "ping":  # an ICMP echo to HOST from a ping socket (SOCK_DGRAM, IPPROTO_ICMP), and its reply
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
        s.settimeout(5)
        s.sendto(b"\x08\x00\x00\x00\x00\x00\x00\x01sandlock", (args[0], 0))
        s.recv(64)
        s.close()
    elif op == "udp-send-any-from":
        # A UDP socket bound to BIND_IP sends to 0.0.0.0:PORT, or (BIND_IP IPv4-mapped, on an
        # IPv6 socket) to [::ffff:0.0.0.0]:PORT; the kernel sends either to BIND_IP.
        v6 = ":" in args[0]
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((args[0], 0))
        s.sendto(b"sandlock", ("::ffff:0.0.0.0" if v6 else "0.0.0.0", int(args[1])))
        s.close()
    elif op == "udp-v6-any":  # an IPv6 socket bound to ::ffff:0.0.0.0 connects to [::] (the kernel: 127.0.0.1)
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind(("::ffff:0.0.0.0", 0))
        s.connect(("::", int(args[0])))
        s.send(b"sandlock")
        s.close()
    elif op == "wait-any":  # waits for any child, having made none: "no children" at once, or "hung"
        import signal
        signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, 3)
        try:
            os.wait()
            return "reaped"
        except ChildProcessError:
            return "no children"
        except Alarm:
            return "hung"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    elif op == "stop-group-then-send":
        # Every other process in our process group (the domain agent and its workers): move
        # it to a group of its own if we can, and stop it; then send a unix datagram (made by
        # the agent, so it waits). Prints what happened to stderr; the send never returns.
        import signal
        me, group = os.getpid(), os.getpgrp()
        for pid in range(max(2, me - 2000), me + 2000):
            try:
                if pid == me or os.getpgid(pid) != group:
                    continue
            except OSError:
                continue
            try:
                os.setpgid(pid, pid)
                print("moved %d" % pid, file=sys.stderr, flush=True)
            except OSError as e:
                print("setpgid %d: errno %d" % (pid, e.errno), file=sys.stderr, flush=True)
            os.kill(pid, signal.SIGSTOP)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(b"x", args[0])
    elif op == "so-mark":  # SO_MARK on a socket: needs CAP_NET_ADMIN
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 1)
        s.close()
    elif op == "net-capabilities":  # whether CAP_NET_ADMIN and CAP_NET_RAW are permitted
        permitted = permitted_capabilities()
        return "net_admin=%d net_raw=%d" % ((permitted >> 12) & 1, (permitted >> 13) & 1)
    elif op == "sys-ptrace":  # whether CAP_SYS_PTRACE is permitted
        return "sys_ptrace=%d" % ((permitted_capabilities() >> 19) & 1)
    elif op == "udp-send":
        family = socket.AF_INET6 if ":" in args[0] else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.sendto(b"sandlock", (args[0], int(args[1])))
        s.close()
    elif op == "udp-sendmsg":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendmsg([b"sand", b"lock"], [], 0, (args[0], int(args[1])))
        s.close()
    elif op == "udp-sendmmsg":
        # sendmmsg(2) of one datagram per HOST PORT pair; prints how many were sent and the
        # byte count the call wrote back into each sent message's msg_len.
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        pairs = list(zip(args[0::2], args[1::2]))
        Iov, MMsg = mmsghdr_types()
        payload = ctypes.create_string_buffer(b"sandlock", 8)
        iov = Iov(ctypes.cast(payload, ctypes.c_void_p), 8)
        names = [ctypes.create_string_buffer(sockaddr_in(h, int(p)), 16) for h, p in pairs]
        msgs = (MMsg * len(pairs))()
        for m, n in zip(msgs, names):
            m.name, m.namelen = ctypes.cast(n, ctypes.c_void_p), 16
            m.iov, m.iovlen = ctypes.addressof(iov), 1
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rc = libc.sendmmsg(s.fileno(), msgs, len(pairs), 0)
        if rc < 0:
            raise OSError(ctypes.get_errno(), op)
        return "sent %d len %s" % (rc, ",".join(str(m.len) for m in msgs[:rc]))
    elif op == "udp-sendto-empty-name":
        # sendto(2) on a UDP socket connected to HOST:PORT, with an address pointer but length
        # 0 (the kernel: EINVAL, the name is there but short), then send(2) without one.
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        name = ctypes.create_string_buffer(sockaddr_in(args[0], int(args[1])), 16)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((args[0], int(args[1])))
        rc = libc.sendto(s.fileno(), b"empty", 5, 0, name, 0)
        first = "ok" if rc == 5 else "errno %d" % ctypes.get_errno()
        s.send(b"plain")
        s.close()
        return "%s, then ok" % first
    elif op == "udp-addrform-race":
        # An IPv6 UDP socket connected to ::ffff:127.0.0.1:GOOD sends batches (sendmmsg) whose
        # names are AF_UNSPEC with the bytes of 127.0.0.1:BAD: "no address" to an IPv6 socket,
        # but an IPv4 address to an IPv4 one, which another thread makes of it meanwhile
        # (IPV6_ADDRFORM). TRIES times; then one more such send on the IPv4 socket. Prints
        # whether a batch stopped short after the flip ("cut"), and that last send's answers.
        import ctypes, random, struct, threading, time
        libc = ctypes.CDLL(None, use_errno=True)
        Iov, MMsg = mmsghdr_types()
        count = 256
        payload = ctypes.create_string_buffer(b"sandlock", 8)
        iov = Iov(ctypes.cast(payload, ctypes.c_void_p), 8)
        name = ctypes.create_string_buffer(struct.pack("=HH4s8x", socket.AF_UNSPEC, socket.htons(int(args[1])),
                                                       socket.inet_aton("127.0.0.1")), 16)
        msgs = (MMsg * count)()
        for m in msgs:
            m.name, m.namelen = ctypes.cast(name, ctypes.c_void_p), 16
            m.iov, m.iovlen = ctypes.addressof(iov), 1
        cut, after = "never", set()
        for _ in range(int(args[2])):
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.connect(("::ffff:127.0.0.1", int(args[0])))
            def flip():
                time.sleep(random.random() * 0.003)
                s.setsockopt(socket.IPPROTO_IPV6, 1, socket.AF_INET)  # IPV6_ADDRFORM
            t = threading.Thread(target=flip)
            t.start()
            rc = libc.sendmmsg(s.fileno(), msgs, count, 0)
            t.join()
            if rc != count:
                cut = "cut"
            rc = libc.sendto(s.fileno(), b"sandlock", 8, 0, name, 16)
            after.add("ok" if rc == 8 else "errno %d" % ctypes.get_errno())
            s.close()
        return "%s, after %s" % (cut, " ".join(sorted(after)))
    elif op == "udp-send-signalled":
        # Sends N datagrams to HOST:PORT while an interval timer signals the process every
        # 100 us, retrying each send on EINTR as programs do; prints whether signals came (more
        # than 10) and whether any send failed with EINTR.
        # A send the supervisor made must never be made again by the retry.
        import ctypes, signal
        libc = ctypes.CDLL(None, use_errno=True)
        addr = ctypes.create_string_buffer(sockaddr_in(args[0], int(args[1])), 16)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        handled = []
        signal.signal(signal.SIGALRM, lambda *_: handled.append(1))  # installed without SA_RESTART
        signal.setitimer(signal.ITIMER_REAL, 0.0001, 0.0001)
        interrupted = 0
        for i in range(int(args[2])):
            data = b"%08d" % i
            while libc.sendto(s.fileno(), data, len(data), 0, addr, 16) < 0:
                if ctypes.get_errno() != errno.EINTR:
                    raise OSError(ctypes.get_errno(), op)
                interrupted += 1
        signal.setitimer(signal.ITIMER_REAL, 0)
        return "signals %s, interrupted %s" % ("many" if len(handled) > 10 else "few", "some" if interrupted else "none")
    elif op == "connect-interrupted":
        # A blocking connect to HOST:PORT (a listener with a full backlog: it never
        # completes) while SIGALRM, whose handler raises, comes after 0.3 s; prints
        # "interrupted" when the handler ran within 10 s.
        import signal, time
        signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        s = socket.socket()
        start = time.monotonic()
        try:
            s.connect((args[0], int(args[1])))
            return "connected"
        except Alarm:
            return "interrupted" if time.monotonic() - start < 10 else "interrupted late"
    elif op == "race-connect":
        # One thread flips a sockaddr between GOOD and BAD (each PORT on 127.0.0.1, or
        # HOST:PORT) while this one connects with it N times; the supervisor must only ever
        # reach what it checked.
        import ctypes, threading
        libc = ctypes.CDLL(None, use_errno=True)
        def where(arg):
            host, _, port = arg.rpartition(":")
            return sockaddr_in(host or "127.0.0.1", int(port))
        good, bad = where(args[0]), where(args[1])
        addr = ctypes.create_string_buffer(good, 16)
        stop = []
        sys.setswitchinterval(1e-5)  # let the flipper run between connects, not only during them
        def flip():
            # BAD only briefly, GOOD the rest of the time: the supervisor still meets BAD (and
            # torn copies), and enough attempts see GOOD for the allowed side to show it works
            # (a 50/50 flip could phase-lock with the supervisor's read and refuse every one).
            while not stop:
                ctypes.memmove(addr, bad, 16)
                ctypes.memmove(addr, good, 16)
                for _ in range(8):
                    pass
        t = threading.Thread(target=flip)
        t.start()
        results = {}
        try:
            for _ in range(int(args[2])):
                s = socket.socket()
                rc = libc.connect(s.fileno(), addr, 16)
                key = "ok" if rc == 0 else "errno %d" % ctypes.get_errno()
                results[key] = results.get(key, 0) + 1
                s.close()
        finally:
            stop.append(1)
            t.join()
        return " ".join("%s=%d" % kv for kv in sorted(results.items()))
    elif op == "race-fd-swap":
        # One thread keeps swapping a unix socket and a fresh TCP socket onto one fd number
        # (dup2) while this one connects that number to HOST:PORT, N times: a decision
        # taken on the unix socket must never let the TCP socket through unchecked.
        import ctypes, threading
        libc = ctypes.CDLL(None, use_errno=True)
        addr = ctypes.create_string_buffer(sockaddr_in(args[0], int(args[1])), 16)
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        tcp = [socket.socket() for _ in range(int(args[2]))]
        slot, current, stop = 900, [0], []
        sys.setswitchinterval(1e-5)
        def swap():
            while not stop:
                libc.dup2(unix.fileno(), slot)
                libc.dup2(tcp[current[0]].fileno(), slot)
        t = threading.Thread(target=swap)
        t.start()
        results = {}
        import random, time
        try:
            for i in range(len(tcp)):
                current[0] = i
                # A short sleep of random length lets the swapper run (it needs the GIL
                # between its two dup2 calls), so each connect meets either socket.
                time.sleep(random.random() * 2e-5)
                rc = libc.connect(slot, addr, 16)
                key = "ok" if rc == 0 else "errno %d" % ctypes.get_errno()
                results[key] = results.get(key, 0) + 1
        finally:
            stop.append(1)
            t.join()
        return " ".join("%s=%d" % kv for kv in sorted(results.items()))
    elif op == "send-to-closed-peer":
        # sendmsg (supervised) on a TCP connection whose peer has gone, until it fails;
        # "nosignal" passes MSG_NOSIGNAL. Answers "sigpipe errno 32" when SIGPIPE came too.
        import signal, time
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGPIPE])  # kept pending, looked at below
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        c = socket.socket()
        c.connect(srv.getsockname())
        srv.accept()[0].close()
        flags = socket.MSG_NOSIGNAL if args[0] == "nosignal" else 0
        try:
            for _ in range(100):
                c.sendmsg([b"x"], [], flags)
                time.sleep(0.01)
        except OSError as e:
            for _ in range(50):  # a signal is asynchronous: give it a moment
                if signal.SIGPIPE in signal.sigpending():
                    return "sigpipe errno %d" % e.errno
                time.sleep(0.01)
            return "errno %d" % e.errno
        return "still sending"
    elif op == "unix-connect-in":
        # A relative socket path, resolved against the caller's working directory.
        os.chdir(args[0])
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(args[1])
        s.close()
    elif op == "unix-as":  # gives up root for UID (groups none, gid UID), then connects|binds to PATH
        os.setgroups([])
        os.setgid(int(args[0]))
        os.setuid(int(args[0]))
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        (s.connect if args[1] == "connect" else s.bind)(args[2])
        s.close()
    elif op == "unix-connect-then-as":  # connects to PATH, gives up root for UID, connects again
        for uid in (None, int(args[0])):
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(args[1])
            s.close()
    elif op == "unix-send-fd":
        # sendmsg with SCM_RIGHTS: the receiver must get a working descriptor.
        r, w = os.pipe()
        os.write(w, b"fd-ok")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(args[0])
        socket.send_fds(s, [b"x"], [r])
        s.close()
    elif op == "unix-send-rights-past-control":
        # sendmsg(2) on a unix socket pair with one SCM_RIGHTS message passing the pair's other
        # end; "fits": well formed; "past": its cmsg_len claims 253 descriptors where the
        # control data (msg_controllen) holds only the header (the kernel: EINVAL). Stdin is
        # closed first: descriptor numbers read from beyond the control data are then not
        # the caller's open descriptors.
        import ctypes, struct
        libc = ctypes.CDLL(None, use_errno=True)
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        os.close(0)
        class Iov(ctypes.Structure):
            _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
        class Msg(ctypes.Structure):
            _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32), ("iov", ctypes.c_void_p),
                        ("iovlen", ctypes.c_size_t), ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                        ("flags", ctypes.c_int)]
        fits = args[0] == "fits"
        cmsg_len = 16 + 4 * (1 if fits else 253)
        control = ctypes.create_string_buffer(struct.pack("=Qii", cmsg_len, socket.SOL_SOCKET, socket.SCM_RIGHTS) +
                                              struct.pack("=ii", b.fileno(), 0), 24)
        payload = ctypes.create_string_buffer(b"x", 1)
        iov = Iov(ctypes.cast(payload, ctypes.c_void_p), 1)
        msg = Msg(None, 0, ctypes.addressof(iov), 1, ctypes.cast(control, ctypes.c_void_p), 24 if fits else 16, 0)
        if libc.sendmsg(a.fileno(), ctypes.byref(msg), 0) < 0:
            raise OSError(ctypes.get_errno(), op)
        got = socket.recv_fds(b, 1, 1)
        return "ok" if got[0] == b"x" and len(got[1]) == 1 else "received %r" % (got,)
    elif op == "unix-send-beside-a-blocked-one":
        # One thread's sendmsg blocks (its peer reads nothing, and the message is more than
        # the socket holds) while another thread sends a byte on another socket pair; prints
        # "both" when that second send completes while the first is still blocked, then
        # drains the first peer so that the first send ends too.
        import threading, time
        a, a_peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        b, b_peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)  # far below what is sent
        b_peer.settimeout(5)
        first = threading.Thread(target=lambda: a.sendmsg([b"x" * (4 << 20)]), daemon=True)
        first.start()
        time.sleep(0.3)
        second = threading.Thread(target=lambda: b.sendmsg([b"y"]), daemon=True)
        second.start()
        second.join(3)
        if not first.is_alive():
            result = "first did not block"
        else:
            result = "both" if not second.is_alive() else "second held up"
        a_peer.setblocking(False)
        deadline = time.monotonic() + 10
        while first.is_alive() and time.monotonic() < deadline:
            try:
                a_peer.recv(1 << 20)
            except BlockingIOError:
                time.sleep(0.01)
        second.join(3)
        return result if b_peer.recv(1) == b"y" else "second lost"
    elif op == "unix-send-interrupted":
        # A one-byte sendmsg (supervised: BPF cannot see whether it names an address) on a
        # unix stream whose buffer is full (its peer reads nothing) while SIGALRM, whose
        # handler raises, comes after 0.3 s; prints "interrupted" when the handler
        # interrupted the send within 5 s. A send timeout of 8 s (SO_SNDTIMEO, which holds
        # for whoever sends on the socket) ends a send nothing interrupts: "interrupted
        # late" (the handler ran only then). No thread: a process limit may leave no room.
        import signal, struct, time
        a, peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        a.setblocking(False)
        try:
            while True:
                a.send(b"f" * 4096)
        except BlockingIOError:
            pass
        a.setblocking(True)
        a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 8, 0))
        signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        start = time.monotonic()
        outcome = "sent"
        try:
            try:
                a.sendmsg([b"x"])
            except BlockingIOError:
                outcome = "timed out"
                time.sleep(0.5)  # a handler still pending runs here
        except Alarm:
            outcome = "interrupted" if time.monotonic() - start < 5 else "interrupted late"
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        return outcome
    elif op == "unix-dgram-sendto-after-sighup":
        # The command ignores SIGHUP and sends it to its own process group (as a terminal
        # hang-up would), then sends a datagram: unix calls must still work.
        import signal, time
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.killpg(0, signal.SIGHUP)
        time.sleep(0.2)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(b"dgram-ok", args[0])
    elif op == "unix-dgram-sendto":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(b"dgram-ok", args[0])
    elif op == "connect-passed-socket":
        # A forked child creates the socket and passes it in over SCM_RIGHTS.
        a, b = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            c = socket.socket()
            socket.send_fds(b, [b"s"], [c.fileno()])
            os._exit(0)
        _, fds, _, _ = socket.recv_fds(a, 1, 1)
        os.waitpid(pid, 0)
        s = socket.socket(fileno=fds[0])
        s.settimeout(5)
        s.connect((args[0], int(args[1])))
    elif op == "connect-while-blocked":
        # One thread is stuck in a blocking connect to BLOCKED (a full backlog) while 8
        # threads make N connects each to GOOD: they must all get through meanwhile.
        import threading
        good, blocked, n = int(args[0]), int(args[1]), int(args[2])
        stuck = socket.socket()
        threading.Thread(target=lambda: stuck.connect_ex(("127.0.0.1", blocked)), daemon=True).start()
        failures = []
        def many():
            for _ in range(n):
                s = socket.socket()
                err = s.connect_ex(("127.0.0.1", good))
                if err:
                    failures.append(err)
                s.close()
        threads = [threading.Thread(target=many) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        if failures or any(t.is_alive() for t in threads):
            raise OSError(failures[0] if failures else errno.ETIMEDOUT, op)
        os._exit(print("ok") or sys.stdout.flush() or 0)  # leave the stuck thread behind
    elif op == "connect-again-after":
        # A grandchild (no PDEATHSIG: it outlives sandlock) connects to 127.0.0.1:PORT now
        # and again once FLAG exists, and writes both answers to OUT. Prints "ready" after
        # the first attempt, then waits to be killed.
        import time
        port, flag, out = int(args[0]), args[1], args[2]
        def attempt():
            s = socket.socket()
            try:
                s.connect(("127.0.0.1", port))
                return "ok"
            except OSError as e:
                return "errno %d" % e.errno
            finally:
                s.close()
        r, w = os.pipe()
        if os.fork() == 0:
            first = attempt()
            os.write(w, b"x")
            while not os.path.exists(flag):
                time.sleep(0.02)
            with open(out, "w") as f:
                f.write(first + "," + attempt())
            os._exit(0)
        os.read(r, 1)
        print("ready")
        sys.stdout.flush()
        time.sleep(60)
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
    elif op in ("mount", "ptrace", "bpf", "keyctl", "personality", "io_uring_setup", "clone-newuser", "clone3", "tiocsti",
                "raw-socket", "fanotify_init", "pidfd_getfd", "quotactl_fd", "open_tree_attr", "prlimit-other",
                "prlimit-self", "vhangup", "tiocvhangup", "tioccons", "tiocsetd", "syslog", "setpriority-user",
                "setpriority-self", "ioprio-user", "ioprio-self"):
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        nr = {"mount": 165, "ptrace": 101, "bpf": 321, "keyctl": 250, "personality": 135,
              "io_uring_setup": 425, "clone-newuser": 56, "clone3": 435, "fanotify_init": 300, "pidfd_getfd": 438,
              "quotactl_fd": 443, "open_tree_attr": 467, "prlimit-other": 302, "prlimit-self": 302,
              "vhangup": 153, "syslog": 103, "setpriority-user": 141, "setpriority-self": 141, "ioprio-user": 251,
              "ioprio-self": 251}
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
        elif op == "fanotify_init":
            rc = libc.syscall(nr[op], 0, 0)  # FAN_CLASS_NOTIF, O_RDONLY events
        elif op == "pidfd_getfd":  # this process's own stdin, through its pidfd
            pidfd = libc.syscall(434, os.getpid(), 0)
            rc = libc.syscall(nr[op], pidfd, 0, 0) if pidfd >= 0 else pidfd
        elif op == "quotactl_fd":
            fd = os.open(sys.executable, os.O_RDONLY)  # a file the sandbox may read: its filesystem's quota
            rc = libc.syscall(nr[op], fd, 0x800001, 0, None)  # Q_SYNC
            os.close(fd)
        elif op == "open_tree_attr":  # a detached copy of the mount at / (OPEN_TREE_CLONE), no attributes
            rc = libc.syscall(nr[op], -100, b"/", 1, None, 0)
        elif op in ("prlimit-other", "prlimit-self"):  # RLIMIT_NOFILE of PID (or pid 0) set to what it is
            pid = int(args[0]) if op == "prlimit-other" else 0
            old = (ctypes.c_uint64 * 2)()
            if libc.syscall(nr[op], pid, 7, None, old) != 0:
                raise OSError(ctypes.get_errno(), "reading the limit")
            rc = libc.syscall(nr[op], pid, 7, old, None)
        elif op == "raw-socket":
            rc = libc.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        elif op == "vhangup":  # in a session of its own first: no terminal to hang up, even if allowed
            try:
                os.setsid()
            except OSError:
                pass
            rc = libc.syscall(nr[op])
        elif op in ("tiocvhangup", "tioccons", "tiocsetd"):  # on /dev/null: ENOTTY unless refused first
            request = {"tiocvhangup": 0x5437, "tioccons": 0x541D, "tiocsetd": 0x5423}[op]
            fd = os.open("/dev/null", os.O_RDONLY)
            ldisc = ctypes.c_int(0)
            rc = libc.ioctl(fd, request, ctypes.byref(ldisc))
            os.close(fd)
        elif op == "syslog":  # SYSLOG_ACTION_SIZE_BUFFER: reads nothing, needs the right to read
            rc = libc.syscall(nr[op], 10, None, 0)
        # For a user no process runs as (so nothing changes even where allowed: ESRCH), or for
        # this process, set to what it is.
        elif op in ("setpriority-user", "setpriority-self"):
            which, who = (2, 54321) if op == "setpriority-user" else (0, 0)  # PRIO_USER, PRIO_PROCESS
            rc = libc.syscall(nr[op], which, who, os.getpriority(os.PRIO_PROCESS, 0))
        elif op in ("ioprio-user", "ioprio-self"):  # to the best-effort default, as setpriority above
            which, who = (3, 54321) if op == "ioprio-user" else (1, 0)  # IOPRIO_WHO_USER, _PROCESS
            rc = libc.syscall(nr[op], which, who, (2 << 13) | 4)
        if rc < 0:
            raise OSError(ctypes.get_errno(), op)
    elif op == "socket":  # socket(FAMILY, TYPE, 0) with the raw 64-bit values given (0x... allowed)
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.syscall(ctypes.c_long(41), ctypes.c_ulong(int(args[0], 0)), ctypes.c_ulong(int(args[1], 0)),
                          ctypes.c_ulong(0))
        if fd < 0:
            raise OSError(ctypes.get_errno(), op)
        os.close(fd)
    elif op == "tcp-ulp":  # a TCP socket connected to HOST:PORT takes the upper-layer protocol NAME (TCP_ULP)
        s = socket.create_connection((args[0], int(args[1])), timeout=5)
        try:
            s.setsockopt(socket.IPPROTO_TCP, 31, args[2].encode())
        finally:
            s.close()
    elif op == "if-nameindex":  # glibc opens a netlink SOCK_RAW socket; loopback is always there
        if not any(name == "lo" for _, name in socket.if_nameindex()):
            return "no lo"
    elif op == "socketpair":  # socketpair(FAMILY, SOCK_STREAM)
        a, b = socket.socketpair(int(args[0]), socket.SOCK_STREAM)
        a.close()
        b.close()
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
    answer = run(sys.argv[1], sys.argv[2:])
    print(answer or "ok")
except MemoryError:
    print("errno %d" % errno.ENOMEM)
except OSError as e:
    print("errno %d" % e.errno)
sys.stdout.flush()
