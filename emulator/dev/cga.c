/* cga.c - the CGA text display: 6845 CRTC registers and the 80x25 screen. */

/*
 * In text mode a PC's screen is memory: 80x25 cells at physical 0xB8000, two
 * bytes each (the character, then its colour attribute).  A kernel prints by
 * storing to that memory, which here is plain guest RAM, so there is nothing
 * to emulate on the write path.  The cursor is not in memory but in the
 * Motorola 6845 CRT controller: select a register at port 0x3D4, access it
 * at 0x3D5; registers 0x0E and 0x0F hold the cursor's cell number.
 *
 * cga_dump() turns the screen into text for tests and for --dump-screen.
 */

#include "cga.h"

#include "bus.h"

#define CGA_CRTC_INDEX 0x3D4    /* IBM CGA Technical Reference: 6845 ports */
#define CGA_CRTC_DATA 0x3D5
#define CRTC_CURSOR_HI 0x0E     /* MC6845 datasheet: R14-R15 cursor address */
#define CRTC_CURSOR_LO 0x0F
#define CGA_BLANK 0x00          /* a never-written cell: shown as a space */

/* Port 0x3D4 reads the index, 0x3D5 the selected register (0xFF past R17). */
static uint32_t cga_io_read(void *dev, uint16_t port, unsigned size)
{
    struct cga *c = dev;

    (void)size;
    if (port == CGA_CRTC_INDEX)
        return c->index;
    return c->index < CGA_CRTC_REGS ? c->crtc[c->index] : 0xFF;
}

/* Port 0x3D4 selects a CRTC register, 0x3D5 writes it. */
static void cga_io_write(void *dev, uint16_t port, uint32_t val, unsigned size)
{
    struct cga *c = dev;

    (void)size;
    if (port == CGA_CRTC_INDEX)
        c->index = (uint8_t)val;
    else if (c->index < CGA_CRTC_REGS)
        c->crtc[c->index] = (uint8_t)val;
}

/* Remember where the screen is; claim the CRTC ports.  Returns 0 or -1. */
int cga_init(struct cga *c, struct bus *b, const uint8_t *text_buffer)
{
    struct io_region r = { "cga-crtc", CGA_CRTC_INDEX, 2, c, cga_io_read, cga_io_write };

    *c = (struct cga){ .text = text_buffer };
    return bus_add_io(b, &r);
}

/* Cursor cell number from CRTC registers 0x0E (high) and 0x0F (low). */
uint16_t cga_cursor(const struct cga *c)
{
    return (uint16_t)(c->crtc[CRTC_CURSOR_HI] << 8 | c->crtc[CRTC_CURSOR_LO]);
}

/* Character of one cell as we print it. */
static char cga_char(uint8_t ch)
{
    if (ch == CGA_BLANK)
        return ' ';
    return (ch >= 0x20 && ch < 0x7F) ? (char)ch : '.';
}

/* Length of row `r` once trailing blanks are dropped. */
static int cga_row_len(const struct cga *c, int r)
{
    int n = CGA_COLS;

    while (n > 0 && cga_char(c->text[(r * CGA_COLS + n - 1) * 2]) == ' ')
        n--;
    return n;
}

/* The screen as text: rows trimmed on the right, empty rows at the bottom dropped. */
void cga_dump(const struct cga *c, FILE *out)
{
    int rows = CGA_ROWS;

    while (rows > 0 && cga_row_len(c, rows - 1) == 0)
        rows--;
    for (int r = 0; r < rows; r++) {
        int n = cga_row_len(c, r);
        for (int i = 0; i < n; i++)
            fputc(cga_char(c->text[(r * CGA_COLS + i) * 2]), out);
        fputc('\n', out);
    }
}
