/* caps.h - capabilities: what root inside the box may still do. */
#ifndef TRAPEZE_CAPS_H
#define TRAPEZE_CAPS_H

#include <stdint.h>

/* The capabilities a box keeps, as a mask of 1 << CAP_*. */
uint64_t caps_kept(void);

/* Drop every capability but caps_kept() from the bounding, ambient, effective,
 * permitted and inheritable sets, then set no_new_privs; 0 or -errno. */
int caps_drop(void);

#endif
