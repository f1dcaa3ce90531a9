/* static.h: serving the web UI's built files with ETag and a fallback to
 * index.html for client-side routes. */
#ifndef TERSA_STATIC_H
#define TERSA_STATIC_H

struct MHD_Connection;
struct MHD_Response;

/* Builds the response for url under dir into *resp and returns its status
 * (200, 304, 404). Never serves outside dir. */
int static_serve(struct MHD_Connection *c, const char *dir, const char *url,
		 struct MHD_Response **resp);

#endif
