/* export_web.h: export.c's SVG and HTML writers (export_web.c); callers
 * use export_web() (or export_timeline()) with EXPORT_SVG or EXPORT_HTML. */
#ifndef SOCKLAB_UI_EXPORT_WEB_H
#define SOCKLAB_UI_EXPORT_WEB_H

#include "export.h"

int export_svg(const struct timeline *tl, const struct export_opts *o, const struct export_web_opts *w,
	       export_line_fn fn, void *ctx);
int export_html(const struct timeline *tl, const struct export_opts *o, const struct export_web_opts *w,
		export_line_fn fn, void *ctx);

#endif
