/* rlimits.h - per-process resource limits set before CMD starts. */
#ifndef TRAPEZE_RLIMITS_H
#define TRAPEZE_RLIMITS_H

/* Lower the box's rlimits to the documented values (never raise one); 0 or -errno. */
int rlimits_apply(void);

#endif
