/* ulib.h - what an acrobat user program can call: system calls and printf. */
#ifndef ACROBAT_ULIB_H
#define ACROBAT_ULIB_H

#include <stdint.h>

/* System calls (syscall_nr.h). */
int write(int fd, const void *buf, uint32_t len);
int getpid(void);
int yield(void);
int sleep(uint32_t ticks);
__attribute__((noreturn)) void exit(int status);
void *sbrk(int32_t increment);       /* (void *)-1 on failure */

/* Format into a line buffer; each complete line goes out with write(1, ...). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Every program defines main(); its return value is the exit status. */
int main(void);

#endif
