// Wrappers for the ncurses macros and globals Swift cannot import (see ARCHITECTURE.md),
// and the signal handling that keeps the terminal restored (async-signal-safe parts in C).
#ifndef CNNLAB_CNCURSES_SHIM_H
#define CNNLAB_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <ncursesw/curses.h>

static inline attr_t cnn_a_bold(void) { return A_BOLD; }
static inline attr_t cnn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cnn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cnn_a_dim(void) { return A_DIM; }
static inline attr_t cnn_a_normal(void) { return A_NORMAL; }
static inline int cnn_key_f(int n) { return KEY_F(n); }
static inline int cnn_key_resize(void) { return KEY_RESIZE; }
static inline int cnn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cnn_ok(void) { return OK; }
static inline int cnn_err(void) { return ERR; }
static inline int cnn_colors(void) { return COLORS; }
static inline int cnn_color_pairs(void) { return COLOR_PAIRS; }
static inline WINDOW *cnn_stdscr(void) { return stdscr; }
static inline FILE *cnn_stdin(void) { return stdin; }
static inline FILE *cnn_stdout(void) { return stdout; }
/// Columns a character takes (2 for CJK and most emoji; -1 when not printable in this locale).
/// Declared here because <wchar.h> hides it without _XOPEN_SOURCE, which SwiftPM drops.
extern int wcwidth(wchar_t c);
static inline int cnn_wcwidth(wchar_t c) { return wcwidth(c); }
/// True when the current terminal can move the cursor (TERM=dumb cannot).
static inline int cnn_can_address_cursor(void) {
    char *cup = tigetstr("cup");
    return cup != 0 && cup != (char *)-1;
}
/// True when the C locale (after setlocale) uses UTF-8.
static inline int cnn_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}
/// Sets attributes and a colour pair of any number (COLOR_PAIR() keeps only 8 bits).
static inline int cnn_wattr_set(WINDOW *w, attr_t attrs, int pair) {
    return wattr_set(w, attrs, (short)(pair > 32767 ? 0 : pair), (void *)0);
}
/// Writes one wide character with attributes and colour pair at (y, x). The pair goes
/// through setcchar's pair argument, never through COLOR_PAIR() bits.
static inline int cnn_put_wch(WINDOW *w, int y, int x, wchar_t ch, attr_t attrs, int pair) {
    cchar_t c;
    wchar_t s[2] = { ch, 0 };
    setcchar(&c, s, attrs, (short)pair, (void *)0);
    return mvwadd_wch(w, y, x, &c);
}
/// Reads back the character, attributes and colour pair of the cell at (y, x) (for tests).
static inline int cnn_read_cell(WINDOW *w, int y, int x, wchar_t *ch, attr_t *attrs, int *pair) {
    cchar_t c;
    wchar_t s[CCHARW_MAX + 1];
    short p = 0;
    if (mvwin_wch(w, y, x, &c) == ERR) return ERR;
    if (getcchar(&c, s, attrs, &p, (void *)0) == ERR) return ERR;
    *ch = s[0];
    *pair = p;
    return OK;
}
/// The colours of pair `pair` (for tests).
static inline int cnn_pair_content(int pair, int *fg, int *bg) {
    return extended_pair_content(pair, fg, bg);
}
/// Writes one character made of a base and combining marks (`count` <= CCHARW_MAX used).
static inline int cnn_put_combined(WINDOW *w, int y, int x, const wchar_t *chars, int count, attr_t attrs, int pair) {
    cchar_t c;
    wchar_t s[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    for (int i = 0; i < n; i++) s[i] = chars[i];
    s[n] = 0;
    setcchar(&c, s, attrs, (short)pair, (void *)0);
    return mvwadd_wch(w, y, x, &c);
}
/// Writes `count` cells prepared in `chars`/`attrs`/`pairs` from (y, x) on.
static inline void cnn_put_run(WINDOW *w, int y, int x, const wchar_t *chars, const attr_t *attrs,
                               const int *pairs, int count) {
    for (int i = 0; i < count; i++) {
        cchar_t c;
        wchar_t s[2] = { chars[i], 0 };
        setcchar(&c, s, attrs[i], (short)pairs[i], (void *)0);
        mvwadd_wch(w, y, x + i, &c);
    }
}

// ---- Terminal restoration ------------------------------------------------------------
// SIGINT/SIGTERM/SIGHUP only record the signal: the run loop polls it between frames, so
// a Ctrl-C never interrupts a frame half drawn. Crashes (SIGSEGV, SIGILL, SIGTRAP from a
// Swift trap, SIGABRT, SIGBUS, SIGFPE) restore the terminal, then die as they would have.
// An atexit handler is the last safety net for exit() paths that skip the loop's cleanup.
//
// The state lives in function-local statics: Swift emits these static functions into each
// object file that calls them, so ALL calls must come from one Swift file
// (Sources/Terminal/CursesScreen.swift), or each file would see its own copy.
static inline volatile sig_atomic_t *cnn_pending_signal_slot(void) {
    static volatile sig_atomic_t pending = 0;
    return &pending;
}
static inline volatile sig_atomic_t *cnn_curses_active_slot(void) {
    static volatile sig_atomic_t active = 0;
    return &active;
}
static inline struct sigaction *cnn_saved_action(int sig) {
    static struct sigaction saved[65];
    return &saved[sig > 0 && sig < 65 ? sig : 0];
}

/// What a crash handler needs to put the terminal back without calling ncurses (endwin is
/// not async-signal-safe): the terminal modes from before ncurses, and the bytes that leave
/// the alternate screen, show the cursor and reset attributes, both prepared in advance.
struct cnn_crash_restore {
    struct termios modes;
    int has_modes;
    char sequence[192];
    int length;
};
static inline struct cnn_crash_restore *cnn_crash_restore_slot(void) {
    static struct cnn_crash_restore restore;
    return &restore;
}

static inline void cnn_append_capability(struct cnn_crash_restore *r, const char *name, const char *fallback) {
    const char *text = tigetstr(name);
    if (text == 0 || text == (char *)-1) text = fallback;
    size_t length = strlen(text);
    if (r->length + length < sizeof r->sequence) { memcpy(r->sequence + r->length, text, length); r->length += (int)length; }
}

/// Prepares the restore bytes from the terminal's own terminfo entry (call after newterm).
static inline void cnn_prepare_crash_restore(void) {
    struct cnn_crash_restore *r = cnn_crash_restore_slot();
    r->length = 0;
    cnn_append_capability(r, "sgr0", "\033[0m");
    cnn_append_capability(r, "cnorm", "\033[?25h");
    cnn_append_capability(r, "rmcup", "\033[?1049l");
    cnn_append_capability(r, "rmkx", "");
    if (r->length + 2 < (int)sizeof r->sequence) { r->sequence[r->length++] = '\r'; r->sequence[r->length++] = '\n'; }
}

static void cnn_on_stop_signal(int sig) { *cnn_pending_signal_slot() = sig; }

/// SIGSEGV, SIGBUS, SIGILL (a Swift trap), SIGTRAP, SIGABRT, SIGFPE while the screen is open:
/// only async-signal-safe calls (write, tcsetattr, signal, raise), then die of the same signal.
static void cnn_on_crash_signal(int sig) {
    if (*cnn_curses_active_slot()) {
        // The runtime's own message went to the screen being left: say something.
        static const char note[] = "cnnlab stopped on an internal error; the terminal has been restored.\n";
        struct cnn_crash_restore *r = cnn_crash_restore_slot();
        *cnn_curses_active_slot() = 0;
        ssize_t ignored = 0;
        if (r->length > 0) ignored = write(1, r->sequence, (size_t)r->length);
        if (r->has_modes) tcsetattr(0, TCSANOW, &r->modes);
        ignored = write(2, note, sizeof note - 1);
        (void)ignored;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void cnn_restore_at_exit(void) {
    if (*cnn_curses_active_slot()) { *cnn_curses_active_slot() = 0; endwin(); }
}

/// Installs the handlers (before newterm, so ncurses keeps ours) and the atexit net.
static inline void cnn_install_signal_handlers(void) {
    static int atexit_done = 0;
    static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
    static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE };
    if (!atexit_done) { atexit(cnn_restore_at_exit); atexit_done = 1; }
    *cnn_pending_signal_slot() = 0;
    struct cnn_crash_restore *r = cnn_crash_restore_slot();
    r->has_modes = tcgetattr(0, &r->modes) == 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = cnn_on_stop_signal;   // no SA_RESTART: a blocked read returns
    for (unsigned i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaction(stop_signals[i], &action, cnn_saved_action(stop_signals[i]));
    action.sa_handler = cnn_on_crash_signal;
    action.sa_flags = SA_RESETHAND;
    for (unsigned i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++)
        sigaction(crash_signals[i], &action, cnn_saved_action(crash_signals[i]));
}

/// Puts back the handlers that were there before `cnn_install_signal_handlers`.
static inline void cnn_restore_signal_handlers(void) {
    static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++)
        sigaction(signals[i], cnn_saved_action(signals[i]), 0);
}

/// The stop signal received since the last call (0 if none), cleared on read.
static inline int cnn_take_pending_signal(void) {
    int sig = *cnn_pending_signal_slot();
    *cnn_pending_signal_slot() = 0;
    return sig;
}

static inline void cnn_set_curses_active(int active) { *cnn_curses_active_slot() = active; }
#endif
