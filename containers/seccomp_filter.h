/* seccomp_filter.h - the system calls a box may not make. */
#ifndef TRAPEZE_SECCOMP_FILTER_H
#define TRAPEZE_SECCOMP_FILTER_H

/* Load the box's seccomp filter into this process (and so into everything it
 * will execute): the calls listed in seccomp_filter.c fail with EPERM, the rest
 * are allowed; 0 or -errno. */
int seccomp_filter_install(void);

#endif
