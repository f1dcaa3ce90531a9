/* hello.c: the ceiling for the HTTP benchmark: a bare libmicrohttpd server
 * with the daemon flags of `tersa serve`, answering "hello" with keep-alive.
 * Usage: hello PORT [THREADS]  (listens on 127.0.0.1; SIGTERM/SIGINT stop) */
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct MHD_Response *hello;

/* Queues the answer on the second call: libmicrohttpd 0.9.75 closes the
 * connection when the response is queued on the first one. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_size, void **req_cls)
{
	static int seen;

	if (*req_cls == NULL) {
		*req_cls = &seen;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0; /* the body is ignored */
		return MHD_YES;
	}
	return MHD_queue_response(conn, MHD_HTTP_OK, hello);
}

static long arg_num(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	return (*s && !*end && v >= lo && v <= hi) ? v : -1;
}

int main(int argc, char **argv)
{
	long port = argc > 1 ? arg_num(argv[1], 1, 65535) : -1;
	long threads = argc > 2 ? arg_num(argv[2], 1, 256) : 2;
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;

	if (argc > 3 || port < 0 || threads < 0) {
		fprintf(stderr, "usage: hello PORT [THREADS]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	/* Block the stop signals before the pool starts so that only sigwait
	 * below receives them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	hello = MHD_create_response_from_buffer(5, (void *)"hello",
						MHD_RESPMEM_PERSISTENT);
	if (!hello ||
	    MHD_add_response_header(hello, "Content-Type", "text/plain") != MHD_YES)
		return 1;
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO,
			     (unsigned short)port, NULL, NULL, on_request, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
			     MHD_OPTION_CONNECTION_LIMIT, 1024u,
			     MHD_OPTION_CONNECTION_TIMEOUT, 30u,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "hello: cannot listen on 127.0.0.1:%ld\n", port);
		return 1;
	}
	printf("hello: listening on http://127.0.0.1:%ld (%ld threads)\n", port, threads);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(hello);
	return 0;
}
