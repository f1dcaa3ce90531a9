/* stall_client.c: a client that never reads, for the live-feed test. It
 * connects to 127.0.0.1:PORT with a 1 KiB receive buffer, sends the request
 * read from standard input up to its first empty line, prints "sent", and
 * then waits for standard input to close without reading the socket, so
 * that the server's writes to it stall. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: stall_client PORT < request\n");
		return 2;
	}
	char req[8192];
	size_t n = 0;
	while (n < sizeof req - 1 && fgets(req + n, (int)(sizeof req - n), stdin)) {
		size_t k = strlen(req + n);
		n += k;
		if (k <= 2 && (req[n - 1] == '\n'))
			break; /* the empty line that ends the headers */
	}
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int small = 1024;
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) < 0) {
		perror("socket");
		return 1;
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)strtol(argv[1], NULL, 10))};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("connect");
		return 1;
	}
	for (size_t off = 0; off < n;) {
		ssize_t w = write(s, req + off, n - off);
		if (w <= 0) {
			perror("write");
			return 1;
		}
		off += (size_t)w;
	}
	printf("sent\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
	close(s);
	return 0;
}
