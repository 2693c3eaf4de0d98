/* cga.h - the CGA text display: 6845 CRTC registers and the 80x25 screen. */
#ifndef TRAPEZE_CGA_H
#define TRAPEZE_CGA_H

#include <stdint.h>
#include <stdio.h>

struct bus;

#define CGA_COLS 80
#define CGA_ROWS 25
#define CGA_CRTC_REGS 18

struct cga {
    const uint8_t *text;            /* guest RAM at physical 0xB8000 */
    uint8_t index;                  /* CRTC register selected at 0x3D4 */
    uint8_t crtc[CGA_CRTC_REGS];
};

/* Show `text_buffer` (at least 80*25*2 bytes of guest RAM at 0xB8000) and
 * claim the CRTC ports 0x3D4-0x3D5.  Returns 0 or -1. */
int cga_init(struct cga *c, struct bus *b, const uint8_t *text_buffer);

/* Cursor position (CRTC registers 0x0E:0x0F), in characters from the top
 * left corner. */
uint16_t cga_cursor(const struct cga *c);

/* Print the screen's characters as text, one line per row, trailing blanks
 * and trailing empty rows dropped; other than printable ASCII shows as '.'. */
void cga_dump(const struct cga *c, FILE *out);

#endif
