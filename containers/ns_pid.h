/* ns_pid.h - the PID namespace: PID 1, its duties, and the signals sent to it. */
#ifndef TRAPEZE_NS_PID_H
#define TRAPEZE_NS_PID_H

#include <signal.h>
#include <sys/types.h>

/* Fill set with the signals a runtime passes on to its box (SIGTERM, SIGINT,
 * SIGHUP, SIGQUIT); returns set. */
sigset_t *ns_pid_forwarded(sigset_t *set);

/* From now on, pass every forwarded signal this process gets on to target;
 * 0 or -errno. */
int ns_pid_forward_to(pid_t target);

/* Put the forwarded signals back to their default action, unblocked; 0 or -errno. */
int ns_pid_forward_reset(void);

/* Wait for child to end (signals keep being forwarded meanwhile); returns its
 * status the way a shell reports it: the exit code, or 128+signal; -errno on
 * a wait error. */
int ns_pid_wait(pid_t child);

/* The --init loop run by PID 1: forward signals to cmd, reap every process
 * that ends (orphans are re-parented to PID 1), return cmd's status as above. */
int ns_pid_init(pid_t cmd);

#endif
