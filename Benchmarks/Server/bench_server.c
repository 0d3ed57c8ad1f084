/*
 * The benchmark's peer: one thread, one epoll loop, on 127.0.0.1 only, so it is cheap enough never to be the
 * bottleneck of the client under test (the benchmark prints its CPU use).
 *
 *   bench_server STREAM_BYTES
 *
 * Listens on three ephemeral ports and prints "echo PORT", "echo2 PORT" and "stream PORT" on stdout:
 *   echo    every byte read is written back (reading pauses while a reply is not fully written);
 *   echo2   the same echo on a second port, so an upstream list has two real backends (W1P, W1U);
 *   stream  sends STREAM_BYTES bytes on accept, then closes.
 * Commands on stdin, one per line: "drop" closes every accepted connection and answers "dropped N".
 * EOF on stdin ends the server, so it never outlives the benchmark.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum kind { LISTEN_ECHO, LISTEN_STREAM, CONN_ECHO, CONN_STREAM, CONTROL };

struct conn {
    int fd;
    enum kind kind;
    long long remaining;  /* stream: bytes still to send */
    size_t pending_off, pending_len; /* echo: unsent part of buf */
    char *buf;
};

#define BUF_SIZE 65536
#define MAX_EVENTS 256

static int epfd;
static long long stream_bytes;
static char stream_chunk[BUF_SIZE];
static struct conn **conns; /* by fd */
static int conns_cap;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int listen_on(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(fd, 4096) < 0) die("listen");
    return fd;
}

static int port_of(int fd) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0) die("getsockname");
    return ntohs(addr.sin_port);
}

static struct conn *add(int fd, enum kind kind, unsigned events) {
    if (fd >= conns_cap) {
        int cap = conns_cap ? conns_cap : 1024;
        while (cap <= fd) cap *= 2;
        conns = realloc(conns, (size_t)cap * sizeof *conns);
        if (!conns) die("realloc");
        memset(conns + conns_cap, 0, (size_t)(cap - conns_cap) * sizeof *conns);
        conns_cap = cap;
    }
    struct conn *c = calloc(1, sizeof *c);
    if (!c) die("calloc");
    c->fd = fd;
    c->kind = kind;
    conns[fd] = c;
    struct epoll_event ev = {.events = events, .data.fd = fd};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl add");
    return c;
}

static void drop(struct conn *c) {
    conns[c->fd] = NULL;
    close(c->fd); /* also removes it from the epoll set */
    free(c->buf);
    free(c);
}

static void set_events(struct conn *c, unsigned events) {
    struct epoll_event ev = {.events = events, .data.fd = c->fd};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl mod");
}

/* Sends what the stream connection still owes until the socket is full; closes it when all is sent. */
static void stream_out(struct conn *c) {
    while (c->remaining > 0) {
        size_t n = c->remaining < BUF_SIZE ? (size_t)c->remaining : BUF_SIZE;
        ssize_t w = send(c->fd, stream_chunk, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN) return;
            drop(c);
            return;
        }
        c->remaining -= w;
    }
    drop(c);
}

/* Writes the unsent echo bytes; returns 1 when all went out, 0 when the socket is full, -1 when c was dropped. */
static int echo_flush(struct conn *c) {
    while (c->pending_len > 0) {
        ssize_t w = send(c->fd, c->buf + c->pending_off, c->pending_len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN) return 0;
            drop(c);
            return -1;
        }
        c->pending_off += (size_t)w;
        c->pending_len -= (size_t)w;
    }
    return 1;
}

static void echo_event(struct conn *c, unsigned events) {
    if (c->pending_len > 0) {
        int r = echo_flush(c);
        if (r <= 0) return;
        set_events(c, EPOLLIN | EPOLLRDHUP);
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
    /* One read per event (level-triggered): a busy connection cannot starve the others. */
    ssize_t n = recv(c->fd, c->buf, BUF_SIZE, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN)) {
        drop(c);
        return;
    }
    if (n < 0) return;
    c->pending_off = 0;
    c->pending_len = (size_t)n;
    if (echo_flush(c) == 0) set_events(c, EPOLLOUT);
}

static void accept_all(int lfd, enum kind kind) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR) return;
            if (errno == EMFILE || errno == ENFILE) {
                fprintf(stderr, "bench_server: out of file descriptors\n");
                return;
            }
            die("accept4");
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (kind == LISTEN_ECHO) {
            struct conn *c = add(fd, CONN_ECHO, EPOLLIN | EPOLLRDHUP);
            c->buf = malloc(BUF_SIZE);
            if (!c->buf) die("malloc");
        } else {
            struct conn *c = add(fd, CONN_STREAM, EPOLLOUT);
            c->remaining = stream_bytes;
            stream_out(c);
        }
    }
}

static void control(void) {
    char line[128];
    if (!fgets(line, sizeof line, stdin)) exit(0);
    if (strncmp(line, "drop", 4) == 0) {
        int dropped = 0;
        for (int fd = 0; fd < conns_cap; fd++)
            if (conns[fd] && (conns[fd]->kind == CONN_ECHO || conns[fd]->kind == CONN_STREAM)) {
                drop(conns[fd]);
                dropped++;
            }
        printf("dropped %d\n", dropped);
        fflush(stdout);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: bench_server STREAM_BYTES\n");
        return 2;
    }
    stream_bytes = atoll(argv[1]);
    memset(stream_chunk, 'x', sizeof stream_chunk);
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    setvbuf(stdin, NULL, _IONBF, 0); /* fgets must see exactly one line per readable event */

    epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");
    int echo_fd = listen_on(), echo2_fd = listen_on(), stream_fd = listen_on();
    add(echo_fd, LISTEN_ECHO, EPOLLIN);
    add(echo2_fd, LISTEN_ECHO, EPOLLIN);
    add(stream_fd, LISTEN_STREAM, EPOLLIN);
    add(STDIN_FILENO, CONTROL, EPOLLIN);
    printf("echo %d\necho2 %d\nstream %d\n", port_of(echo_fd), port_of(echo2_fd), port_of(stream_fd));
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            /* By fd, not pointer: a "drop" earlier in this batch may have freed the connection. */
            struct conn *c = conns[events[i].data.fd];
            if (!c) continue;
            switch (c->kind) {
            case LISTEN_ECHO:
            case LISTEN_STREAM: accept_all(c->fd, c->kind); break;
            case CONTROL: control(); break;
            case CONN_ECHO: echo_event(c, events[i].events); break;
            case CONN_STREAM: stream_out(c); break;
            }
        }
    }
}
