/* The serving ceiling for bench/run.sh's serve stage: what this machine can do at all when a
 * server does nothing but answer. It reads whatever a client sends, counts the requests by
 * their "\r\n\r\n" head ends (no parsing), and writes one prebuilt response per request:
 * the bytes of RESPONSE_FILE, exactly as feedd sent them for the case being measured
 * (captured by the script with curl --raw -i). THREADS threads, each with its own epoll set
 * and its own SO_REUSEPORT listener, as nginx's workers have; non-blocking sockets, partial
 * writes resumed on EPOLLOUT. No sendfile: for large bodies it is no ceiling (the issue says
 * so); for small ones (304, 200 gzip) it is.
 *   ceiling PORT THREADS RESPONSE_FILE        (listens on 127.0.0.1:PORT until killed)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* response;
static size_t response_size;
static int port;

/* One client connection: requests answered but not yet fully written, and how far into the
 * current copy of the response the socket has taken. */
struct connection {
  int fd;
  size_t owed;     /* whole responses still to write after the current one */
  size_t offset;   /* bytes of the current response written; response_size = none pending */
  int tail_match;  /* how many bytes of "\r\n\r\n" the last read ended with */
};

static void die(const char* what) {
  perror(what);
  exit(1);
}

static int listener(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0) die("socket");
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) die("SO_REUSEPORT");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0) die("bind");
  if (listen(fd, 4096) != 0) die("listen");
  return fd;
}

/* Counts the head ends in `data`, carrying a partial "\r\n\r\n" over from the last read. */
static size_t count_requests(struct connection* c, const char* data, size_t size) {
  static const char end[] = "\r\n\r\n";
  size_t count = 0;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == end[c->tail_match]) {
      if (++c->tail_match == 4) {
        ++count;
        c->tail_match = 0;
      }
    } else {
      c->tail_match = data[i] == '\r' ? 1 : 0;
    }
  }
  return count;
}

/* Writes what is owed; returns 0 when all is written, 1 when the socket is full, -1 on error. */
static int flush(struct connection* c) {
  for (;;) {
    if (c->offset == response_size) {
      if (c->owed == 0) return 0;
      --c->owed;
      c->offset = 0;
    }
    ssize_t n = send(c->fd, response + c->offset, response_size - c->offset, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 1 : -1;
    c->offset += (size_t)n;
  }
}

static void close_connection(int epoll, struct connection* c) {
  epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c);
}

static void* serve(void* unused) {
  (void)unused;
  int lfd = listener();
  int epoll = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epoll, EPOLL_CTL_ADD, lfd, &ev);
  struct epoll_event events[256];
  char buffer[16384];
  for (;;) {
    int ready = epoll_wait(epoll, events, 256, -1);
    for (int i = 0; i < ready; ++i) {
      struct connection* c = events[i].data.ptr;
      if (c == NULL) { /* the listener */
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          int one = 1;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          c = calloc(1, sizeof *c);
          c->fd = fd;
          c->offset = response_size;
          struct epoll_event cev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c};
          epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &cev);
        }
        continue;
      }
      int closed = 0;
      for (;;) { /* edge-triggered: read until the socket is empty */
        ssize_t n = recv(c->fd, buffer, sizeof buffer, 0);
        if (n > 0) {
          c->owed += count_requests(c, buffer, (size_t)n);
          continue;
        }
        closed = n == 0 || errno != EAGAIN;
        break;
      }
      if (closed || flush(c) < 0) close_connection(epoll, c);
    }
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s PORT THREADS RESPONSE_FILE\n", argv[0]);
    return 2;
  }
  port = atoi(argv[1]);
  int threads = atoi(argv[2]);
  FILE* file = fopen(argv[3], "rb");
  if (file == NULL) die(argv[3]);
  struct stat st;
  if (fstat(fileno(file), &st) != 0 || st.st_size <= 0) die("response file");
  response_size = (size_t)st.st_size;
  char* bytes = malloc(response_size);
  if (fread(bytes, 1, response_size, file) != response_size) die("fread");
  fclose(file);
  response = bytes;
  pthread_t ids[64];
  if (threads < 1 || threads > 64) threads = 1;
  for (int t = 0; t < threads; ++t) pthread_create(&ids[t], NULL, serve, NULL);
  for (int t = 0; t < threads; ++t) pthread_join(ids[t], NULL);
  return 0;
}
