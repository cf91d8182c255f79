// Wrappers for the ncurses macros and globals Swift cannot import (see ARCHITECTURE.md).
#ifndef CNNLAB_CNCURSES_SHIM_H
#define CNNLAB_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>

static inline attr_t cnn_a_bold(void) { return A_BOLD; }
static inline attr_t cnn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cnn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cnn_a_dim(void) { return A_DIM; }
static inline attr_t cnn_a_normal(void) { return A_NORMAL; }
static inline int cnn_key_f(int n) { return KEY_F(n); }
static inline int cnn_key_resize(void) { return KEY_RESIZE; }
static inline int cnn_err(void) { return ERR; }
static inline int cnn_colors(void) { return COLORS; }
static inline int cnn_color_pairs(void) { return COLOR_PAIRS; }
/// Sets attributes and a colour pair of any number (COLOR_PAIR() keeps only 8 bits).
static inline int cnn_wattr_set(WINDOW *w, attr_t attrs, int pair) {
    return wattr_set(w, attrs, (short)(pair > 32767 ? 0 : pair), (void *)0);
}
/// Writes one wide character with attributes and colour pair at the cursor.
static inline int cnn_put_wch(WINDOW *w, int y, int x, wchar_t ch, attr_t attrs, int pair) {
    cchar_t c;
    wchar_t s[2] = { ch, 0 };
    setcchar(&c, s, attrs, (short)pair, (void *)0);
    return mvwadd_wch(w, y, x, &c);
}
#endif
