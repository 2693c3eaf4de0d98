/* popek.h - `trapeze popek`: Popek & Goldberg's condition, tested on the sensitive-* guests. */
#ifndef TRAPEZE_POPEK_H
#define TRAPEZE_POPEK_H

/* `trapeze popek [--help] DIR|GUEST.elf...`: run each sensitive-* guest bare
 * and under the monitor, print what each saw.  Returns the exit status. */
int popek_main(int argc, char **argv);

#endif
