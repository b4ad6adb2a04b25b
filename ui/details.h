/* details.h: the details of a row (d) as layers: the frame the row came
 * from, dissected (dissect.h) into link, IP, TCP (ICMP, ARP) and payload,
 * every field named with its value in the session's language, and the bytes
 * in hex with the selected layer highlighted (Wireshark's details and bytes
 * panes). Rows with no frame (calls, or a recording without its .pcapng)
 * say why and show the record's own fields. Pure: draws into a grid. */
#ifndef SOCKLAB_UI_DETAILS_H
#define SOCKLAB_UI_DETAILS_H

#include <stdbool.h>
#include <stdint.h>

#include "frames.h"
#include "grid.h"
#include "timeline.h"

/* Where the reader is in the details: the layer selected, the first line
 * shown. Kept by the screen between draws and keys. */
struct details_view {
	int layer;
	int scroll;
	int drawn_layer; /* the layer the last draw showed (a new one is scrolled into sight) */
};

/* The frame row r came from, among those kept in fs, or NULL. */
const struct frame *details_frame(const struct frames *fs, const struct row *r);

/* Draws the details of row pos into the box (x, y, w cells, h lines) of g.
 * no_file: the frames of this session were never there (a recording
 * without its .pcapng), which the pane then says. */
void details_draw(const struct timeline *tl, long pos, const struct frames *fs, bool no_file,
		  struct details_view *v, struct grid *g, int x, int y, int w, int h, bool ascii);

/* The hex dump line of the 16 bytes at off (fewer at the end) into buf:
 * "0000  45 00 00 3c ...  E..<....", the same in every language. The
 * cells of byte i (0..15) start at details_hex_col(i) and its character
 * at details_ascii_col(i). */
void details_hex_line(const uint8_t *bytes, uint32_t len, uint32_t off, char *buf, size_t n);
int details_hex_col(int i);
int details_ascii_col(int i);

#endif
