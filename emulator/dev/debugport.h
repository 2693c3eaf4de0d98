/* debugport.h - the Bochs/QEMU debug console (0xE9) and isa-debug-exit (0xF4). */
#ifndef TRAPEZE_DEBUGPORT_H
#define TRAPEZE_DEBUGPORT_H

struct bus;

struct debugport {
    int console_fd;                         /* bytes written to 0xE9 go here (-1: dropped) */
    void (*exit)(void *ctx, int status);    /* a write to 0xF4 asks the machine to stop */
    void *ctx;
};

/* Claim ports 0xE9 and 0xF4-0xF7.  Returns 0 or -1. */
int debugport_init(struct debugport *d, struct bus *b, int console_fd,
                   void (*exit)(void *ctx, int status), void *ctx);

#endif
