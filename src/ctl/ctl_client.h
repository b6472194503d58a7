/* haloctl's side of the control protocol: one request, one reply, with a
 * deadline over the whole exchange.  See docs/control.md. */
#ifndef HALO_CTL_CLIENT_H
#define HALO_CTL_CLIENT_H

#include <json-c/json.h>
#include <stddef.h>

enum ctl_call_status {
	CTL_CALL_OK,          /* *reply holds the daemon's reply object */
	CTL_CALL_NO_CONNECT,  /* the socket could not be connected */
	CTL_CALL_NO_REPLY,    /* connected, but no usable reply came in time */
};

/* Sends `line` (one request, a newline is added if missing) to the socket
 * at `path` and waits at most `timeout_s` seconds in total for one reply
 * line, which must be a JSON object.  On failure err holds a message
 * without the program name. */
enum ctl_call_status ctl_call(const char *path, const char *line, double timeout_s,
			      json_object **reply, char *err, size_t errlen);

#endif
