/* observe.h - machine-readable observations: one `observe <key> <value>` line each. */
#ifndef GUEST_OBSERVE_H
#define GUEST_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

/* observe <key> 0x<8 hex digits> */
void observe_hex32(const char *key, uint32_t v);

/* observe <key> 0x<4 hex digits> (selectors, 16-bit registers) */
void observe_hex16(const char *key, uint16_t v);

/* observe <key> <decimal> */
void observe_uint(const char *key, uint32_t v);

/* observe <key> yes|no */
void observe_bool(const char *key, bool v);

#endif
