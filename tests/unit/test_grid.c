/* test_grid.c: the cell grid with wide characters: Chinese takes two cells
 * a character, as a terminal draws it, so columns after it stay aligned,
 * truncation and wrapping count cells, and lines read back as the text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "grid.h"

static void wide_characters_take_two_cells(void **state)
{
	struct grid g;
	char line[256];

	(void)state;
	assert_int_equal(utf8_width("检查点"), 6);
	assert_int_equal(utf8_width("a│✓…"), 4);
	assert_int_equal(utf8_width("（SYN）"), 7); /* fullwidth brackets */
	assert_int_equal(grid_init(&g, 20, 3), 0);
	assert_int_equal(grid_put(&g, 0, 0, "步骤 3", 20, ATTR_NORMAL, false), 6);
	grid_put(&g, 6, 0, "|x", 20, ATTR_NORMAL, false);
	grid_line(&g, 0, line, sizeof(line));
	assert_string_equal(line, "步骤 3|x");
	assert_int_equal(g.cells[1].ch, GRID_WIDE_TAIL);
	/* too long: cut by cells, the ellipsis where a whole character no longer fits */
	assert_int_equal(grid_put(&g, 0, 1, "客户端进入状态", 6, ATTR_NORMAL, false), 5);
	grid_line(&g, 1, line, sizeof(line));
	assert_string_equal(line, "客户…");
	grid_free(&g);
}

static void chinese_wraps_between_characters(void **state)
{
	struct grid g;
	char line[256];

	(void)state;
	assert_int_equal(grid_init(&g, 10, 4), 0);
	assert_int_equal(grid_put_wrapped(&g, 0, 0, 9, 4, "服务器进入 SYN_RCVD 状态", ATTR_NORMAL, false), 4);
	grid_line(&g, 0, line, sizeof(line));
	assert_string_equal(line, "服务器进"); /* 8 cells: a ninth would split 入 */
	grid_line(&g, 1, line, sizeof(line));
	assert_string_equal(line, "入");
	grid_line(&g, 2, line, sizeof(line));
	assert_string_equal(line, "SYN_RCVD"); /* a word stays whole */
	grid_line(&g, 3, line, sizeof(line));
	assert_string_equal(line, "状态");
	grid_free(&g);
}

/* grid_wrap, line by line, as the text runner prints a paragraph. */
static void wrap_gives_each_line_and_where_the_next_starts(void **state)
{
	const char *text = "socket, bind  and listen\nthen accept()", *next;
	size_t len;

	(void)state;
	len = grid_wrap(text, 12, &next);
	assert_int_equal(len, 12);
	assert_memory_equal(text, "socket, bind", 12);
	assert_string_equal(next, "and listen\nthen accept()"); /* both spaces skipped */
	len = grid_wrap(next, 12, &next);
	assert_int_equal(len, 10); /* "and listen": the line ends at the newline */
	assert_string_equal(next, "then accept()");
	len = grid_wrap(next, 12, &next);
	assert_int_equal(len, 4); /* "then": "accept()" does not fit after it */
	assert_string_equal(next, "accept()");
	len = grid_wrap(next, 12, &next);
	assert_int_equal(len, 8);
	assert_string_equal(next, "");
	/* a word longer than the line is cut where the line is full */
	len = grid_wrap("SO_REUSEADDR", 5, &next);
	assert_int_equal(len, 5);
	assert_string_equal(next, "USEADDR");
	/* Chinese: after any wide character, by cells (each takes two) */
	len = grid_wrap("服务器进入 SYN_RCVD", 7, &next);
	assert_int_equal(len, strlen("服务器"));
	assert_string_equal(next, "进入 SYN_RCVD");
}

/* A column drawn off-screen and placed: its cells (wide ones whole) and
 * attributes land where asked, the lines around stay as they were. */
/* A line never starts with a closing mark nor ends with an opening one. */
static void chinese_lines_keep_their_punctuation(void **state)
{
	const char *next;
	size_t len;

	(void)state;
	/* at 18 cells "队列（未完成的握手" fits: "）" may not open the next line */
	len = grid_wrap("队列（未完成的握手）和", 18, &next);
	assert_string_equal(next, "手）和"); /* "手" goes down with it */
	assert_int_equal(len, strlen("队列（未完成的握"));
	len = grid_wrap("一二三四（五）", 10, &next); /* not after "（" */
	assert_string_equal(next, "（五）");
	len = grid_wrap("一二三四。五六", 8, &next); /* not before "。" */
	assert_string_equal(next, "四。五六");
	(void)len;
}

static void copied_lines_land_where_asked(void **state)
{
	struct grid col, g;
	char line[256];

	(void)state;
	assert_int_equal(grid_init(&col, 6, 3), 0);
	assert_int_equal(grid_init(&g, 12, 4), 0);
	grid_put(&col, 0, 0, "first", 6, ATTR_HEADER, false);
	grid_put(&col, 0, 1, "检查点", 6, ATTR_RETURN, false);
	grid_put(&col, 0, 2, "third", 6, ATTR_NORMAL, false);
	grid_fill(&g, 0, 0, 12, '|', ATTR_DIM);
	grid_copy_lines(&g, 3, 1, &col, 1, 2); /* lines 1 and 2 of the column */
	grid_line(&g, 0, line, sizeof(line));
	assert_string_equal(line, "||||||||||||");
	grid_line(&g, 1, line, sizeof(line));
	assert_string_equal(line, "   检查点");
	assert_int_equal(g.cells[1 * 12 + 3].attr, ATTR_RETURN);
	assert_int_equal(g.cells[1 * 12 + 4].ch, GRID_WIDE_TAIL);
	grid_line(&g, 2, line, sizeof(line));
	assert_string_equal(line, "   third");
	grid_line(&g, 3, line, sizeof(line));
	assert_string_equal(line, "");
	grid_copy_lines(&g, 9, 3, &col, 0, 1); /* past the right edge: cut there */
	grid_line(&g, 3, line, sizeof(line));
	assert_string_equal(line, "         fir");
	grid_free(&col);
	grid_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wide_characters_take_two_cells),
		cmocka_unit_test(chinese_wraps_between_characters),
		cmocka_unit_test(wrap_gives_each_line_and_where_the_next_starts),
		cmocka_unit_test(chinese_lines_keep_their_punctuation),
		cmocka_unit_test(copied_lines_land_where_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
