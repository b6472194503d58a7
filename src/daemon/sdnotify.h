/* systemd's readiness protocol (Type=notify), spoken directly: one
 * datagram of `KEY=value` lines to the Unix socket named by
 * $NOTIFY_SOCKET.  Not linking libsystemd for these few lines keeps it and
 * the compression and crypto libraries it pulls in (gcrypt, zstd, lzma,
 * lz4, cap: about a megabyte resident) out of every halod process,
 * children included, since they are the same executable. */
#ifndef HALO_DAEMON_SDNOTIFY_H
#define HALO_DAEMON_SDNOTIFY_H

/* Sends `state`; does nothing when $NOTIFY_SOCKET is unset (not started by
 * systemd) or unusable.  Returns 1 sent, 0 nothing to do, -1 send failed;
 * like sd_notify(), a failure is not the caller's problem to report. */
int sdnotify(const char *state);
int sdnotifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
