/* grid.c: the cell grid. */
#include "grid.h"

#include <stdlib.h>
#include <string.h>

int grid_init(struct grid *g, int w, int h)
{
	g->w = w > 0 ? w : 0;
	g->h = h > 0 ? h : 0;
	g->cells = calloc((size_t)g->w * (size_t)g->h + 1, sizeof(*g->cells));
	if (!g->cells) {
		g->w = g->h = 0;
		return -1;
	}
	grid_clear(g);
	return 0;
}

void grid_free(struct grid *g)
{
	free(g->cells);
	g->cells = NULL;
	g->w = g->h = 0;
}

void grid_clear(struct grid *g)
{
	for (int i = 0; i < g->w * g->h; i++)
		g->cells[i] = (struct cell){' ', ATTR_NORMAL};
}

/* Decodes one code point at *s and advances past it; malformed bytes give
 * U+FFFD and advance by one. */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t cp;
	int n;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		cp = p[0] & 0x1f;
		n = 1;
	} else if ((p[0] & 0xf0) == 0xe0) {
		cp = p[0] & 0x0f;
		n = 2;
	} else if ((p[0] & 0xf8) == 0xf0) {
		cp = p[0] & 0x07;
		n = 3;
	} else {
		*s = p + 1;
		return 0xfffd;
	}
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + 1;
			return 0xfffd;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	*s = p + n + 1;
	return cp;
}

/* The East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth.txt,
 * coarsely): what terminals draw two cells wide. A table, not wcwidth(3):
 * the grid must not depend on the locale. */
int cell_width(uint32_t cp)
{
	static const uint32_t wide[][2] = {
		{0x1100, 0x115f}, {0x2e80, 0x303e}, {0x3041, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff},
		{0xa000, 0xa4cf}, {0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe30, 0xfe4f}, {0xff00, 0xff60},
		{0xffe0, 0xffe6}, {0x1f300, 0x1f64f}, {0x20000, 0x3fffd},
	};

	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

int utf8_width(const char *utf8)
{
	const unsigned char *p = (const unsigned char *)utf8;
	int n = 0;

	while (*p)
		n += cell_width(utf8_next(&p));
	return n;
}

int utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static void set(struct grid *g, int x, int y, uint32_t ch, uint8_t attr)
{
	if (x >= 0 && y >= 0 && x < g->w && y < g->h)
		g->cells[y * g->w + x] = (struct cell){ch, attr};
}

int grid_put(struct grid *g, int x, int y, const char *utf8, int maxw, uint8_t attr, bool ascii)
{
	const unsigned char *p = (const unsigned char *)utf8;
	int width = utf8_width(utf8), n = 0;

	if (maxw <= 0)
		return 0;
	while (*p && n < maxw) {
		uint32_t cp = utf8_next(&p);
		int cw;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || (ascii && cp >= 0x80))
			cp = '?';
		cw = cell_width(cp);
		if (width > maxw && n + cw > maxw - 1) {
			set(g, x + n, y, ascii ? '~' : 0x2026, attr);
			return n + 1;
		}
		set(g, x + n, y, cp, attr);
		if (cw == 2)
			set(g, x + n + 1, y, GRID_WIDE_TAIL, attr);
		n += cw;
	}
	return n;
}

void grid_fill(struct grid *g, int x, int y, int n, uint32_t ch, uint8_t attr)
{
	for (int i = 0; i < n; i++)
		set(g, x + i, y, ch, attr);
}

/* --ascii is about line drawing: each is one cell either way. */
void grid_lines_to_ascii(struct grid *g)
{
	static const struct {
		uint32_t from;
		char to;
	} map[] = {
		{0x2500, '-'}, {0x2502, '|'}, {0x250c, '+'}, {0x2510, '+'}, {0x2514, '+'}, {0x2518, '+'},
		{0x25b6, '>'}, {0x25c0, '<'}, {0x2192, '>'}, {0x2190, '<'},
		{0x2504, '.'}, {0x2717, 'x'}, /* a two-host wire: in flight, lost */
		{0x21e2, '>'}, {0x21e0, '<'}, /* an io_uring submission, its completion */
	};

	for (int i = 0; i < g->w * g->h; i++)
		for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++)
			if (g->cells[i].ch == map[m].from) {
				g->cells[i].ch = (uint32_t)map[m].to;
				break;
			}
}

void grid_or_attr(struct grid *g, int x, int y, int n, uint8_t bits)
{
	for (int i = x; i < x + n && i < g->w; i++)
		if (i >= 0 && y >= 0 && y < g->h)
			g->cells[y * g->w + i].attr |= bits;
}

void grid_copy_lines(struct grid *g, int x, int y, const struct grid *src, int from, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < src->w; j++)
			if (from + i >= 0 && from + i < src->h)
				set(g, x + j, y + i, src->cells[(from + i) * src->w + j].ch,
				    src->cells[(from + i) * src->w + j].attr);
}

size_t grid_line(const struct grid *g, int y, char *buf, size_t n)
{
	size_t len = 0, end = 0;

	if (n == 0)
		return 0;
	for (int x = 0; y >= 0 && y < g->h && x < g->w; x++) {
		char enc[4];
		int k;
		if (g->cells[y * g->w + x].ch == GRID_WIDE_TAIL)
			continue;
		k = utf8_encode(g->cells[y * g->w + x].ch, enc);
		if (len + (size_t)k + 1 > n)
			break;
		memcpy(buf + len, enc, (size_t)k);
		len += (size_t)k;
		if (g->cells[y * g->w + x].ch != ' ')
			end = len;
	}
	buf[end] = '\0';
	return end;
}

/* Marks a line must not start with (closing ones: ，。、；：！？）」』”’】 and
 * their ASCII kin) or end with (opening ones: （「『“‘【): the Chinese
 * line-breaking rule. */
static bool in_set(uint32_t cp, const uint32_t *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == cp)
			return true;
	return false;
}

static bool no_line_start(uint32_t cp)
{
	static const uint32_t closing[] = {',', '.', ';', ':', '!', '?', ')', ']', '}', 0xff0c, 0x3002, 0x3001,
					   0xff1b, 0xff1a, 0xff01, 0xff1f, 0xff09, 0x300d, 0x300f, 0x201d, 0x2019,
					   0x3011};

	return in_set(cp, closing, sizeof(closing) / sizeof(closing[0]));
}

static bool no_line_end(uint32_t cp)
{
	static const uint32_t opening[] = {0xff08, 0x300c, 0x300e, 0x201c, 0x2018, 0x3010};

	return in_set(cp, opening, sizeof(opening) / sizeof(opening[0]));
}

size_t grid_wrap(const char *text, int w, const char **next)
{
	/* Take the longest run of whole words (in cells) that fits w;
	 * Chinese breaks between two characters when one is wide, but not
	 * before a closing mark (）。，) nor after an opening one (（“). */
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *cut = NULL;
	int cells = 0;

	while (*p && *p != '\n') {
		const unsigned char *q = p, *r;
		uint32_t cp = utf8_next(&q), after;
		int cw = cell_width(cp);
		if (cells + cw > w)
			break;
		p = q;
		cells += cw;
		r = p;
		after = *p ? utf8_next(&r) : 0;
		if (*p == ' ' || *p == '\n' || *p == '\0' ||
		    ((cw == 2 || cell_width(after) == 2) && !no_line_start(after) && !no_line_end(cp) && after != ' '))
			cut = p;
	}
	if (!*p || *p == '\n' || !cut)
		cut = p;
	*next = (const char *)cut;
	while (**next == ' ')
		(*next)++;
	if (**next == '\n')
		(*next)++;
	return (size_t)(cut - (const unsigned char *)text);
}

int grid_put_wrapped(struct grid *g, int x, int y, int w, int lines, const char *text, uint8_t attr,
		     bool ascii)
{
	int used = 0;

	while (*text && used < lines && w > 0) {
		const char *next;
		size_t len = grid_wrap(text, w, &next);
		char line[1024];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, text, len);
		line[len] = '\0';
		grid_put(g, x, y + used, line, w, attr, ascii);
		used++;
		text = next;
	}
	return used;
}
