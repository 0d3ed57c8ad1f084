#!/usr/bin/env python3
# Usage: perf script -i FILE.perf.data -F comm,tid,ip,sym > FILE.txt; python3 perf_split.py FILE.txt
# Splits the client process's perf samples (bench_server and gcc excluded) into cost buckets by the first matching
# frame on the stack (leaf first): a sample counts once, in the bucket of the innermost frame that matches.
import sys, re, collections
BUCKETS = [
    ('JIT / tiering (warm-up)', r'libclrjit|TieredCompilation|\.NET Tiered'),
    ('GC', r'gc_heap::|WKS::gc|GCHeap::|SVR::'),
    ('socket send (syscall + loopback TCP, incl. waking the peer)', r'^__send$|__libc_sendmsg|SysSend|Interop\+Sys\.Send'),
    ('socket recv (syscall)', r'__libc_recv|^recv$|SysReceive|Interop\+Sys\.Receive'),
    ('epoll wait/dispatch (.NET Sockets thread)', r'epoll_wait|SocketAsyncEngine'),
    ('Lua VM (liblua)', r'^lua[A-Z_]|^luaV_|^luaD_|^luaH_|^luaC_|^luaS_|^lua_|^luaL_|propagatemark|^luaF_|^luaE_|^luaM_|^luaG_'),
    ('thread pool idle spin/yield/sleep', r'sched_yield|Thread::Sleep|SpinWait|UnfairSemaphore|LowLevelLifoSemaphore|LowLevelSpinWaiter'),
    ('ActorTcp.LuaApi (managed)', r'\[ActorTcp\.LuaApi\]'),
    ('ActorTcp.Actors (managed)', r'\[ActorTcp\.Actors\]'),
    ('Akka.IO TcpConnection (managed)', r'Akka\.IO\.'),
    ('Akka mailbox/dispatch/actor cell', r'\[Akka\]|Helios\.'),
    ('thread pool dispatch', r'ThreadPoolWorkQueue|PortableThreadPool'),
    ('wake-ups (futex/semaphore release)', r'futex|ReleaseSemaphore|SetEvent|pthread_cond_signal'),
]
compiled = [(n, re.compile(p)) for n, p in BUCKETS]
EXCLUDE = {'bench_server', 'cc1', 'gcc', 'as', 'ld', 'collect2'}
counts = collections.Counter(); threads = collections.Counter(); total = 0
def flush(comm, frames):
    global total
    if comm is None or comm in EXCLUDE: return
    total += 1; threads[comm] += 1
    names = [comm] + frames if comm.startswith('.NET Tiered') else frames
    for f in names:
        for n, rx in compiled:
            if rx.search(f):
                counts[n] += 1; return
    counts['other (kernel sched / unresolved / runtime)'] += 1
comm = None; frames = []
for line in open(sys.argv[1], errors='replace'):
    if not line.strip():
        flush(comm, frames); comm = None; frames = []; continue
    if not line.startswith('\t') and not line.startswith(' ' * 8 + ' ') and comm is None:
        parts = line.split()
        comm = ' '.join(parts[:-1]); frames = []
        continue
    parts = line.strip().split(None, 1)
    frames.append(parts[1] if len(parts) > 1 else '')
flush(comm, frames)
print(f"client process samples: {total}")
for c, v in threads.most_common(8): print(f"  thread {c:20s} {100*v/total:5.1f}%")
for n, v in counts.most_common(): print(f"{100*v/total:5.1f}%  {n}")
