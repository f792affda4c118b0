/* creadline.h: a tiny C shim over GNU readline (8.x) for replab's ReplabTerminal module.
 *
 * Why a shim: Swift 6 refuses to assign C globals such as rl_attempted_completion_function, and
 * the Ctrl-C handling below needs signal masks and readline internals' calling order that are
 * simpler to get right in C. Everything here is meant for one thread (the REPL's main thread).
 *
 * GNU readline is GPL-3.0: a binary linking it is distributed under the GPL.
 */
#ifndef CREADLINE_H
#define CREADLINE_H

#include <stdio.h> /* readline.h uses FILE without including <stdio.h> itself. */
#include <readline/readline.h>
#include <readline/history.h>

#pragma clang assume_nonnull begin

/* How one creadline_read call ended. */
typedef enum {
    CREADLINE_LINE = 0,        /* The user pressed Enter; the line is returned. */
    CREADLINE_EOF = 1,         /* Ctrl-D on an empty line, or the terminal went away. */
    CREADLINE_INTERRUPTED = 2, /* Ctrl-C: the line was abandoned and a newline printed. */
} creadline_status;

/* Completion callback. `line` is the line buffer up to the cursor, `word` the partial word being
 * completed (words are split at blanks only). Returns NULL or a malloc'd, NULL-terminated array of
 * malloc'd (strdup'd) candidates, all of which the shim takes ownership of. `context` is the
 * pointer given to creadline_set_completer. */
typedef char *_Nullable *_Nullable (*creadline_completer)(
    const char *line, const char *word, void *_Nullable context);

/* Starts an interactive session: configures readline once per process (`app_name` for `$if name`
 * in ~/.inputrc, blank-only word breaks, our completion entry point, persistent signal handlers)
 * and installs the session's SIGINT handler, unless SIGINT is ignored. */
void creadline_begin_session(const char *app_name);

/* Ends the session: restores the previous SIGINT disposition and forgets the completer. */
void creadline_end_session(void);

/* Sets (or clears, with NULL) the completion callback and its context pointer. */
void creadline_set_completer(creadline_completer _Nullable completer, void *_Nullable context);

/* Reads one line with full line editing, showing `prompt`; call within a session. On
 * CREADLINE_LINE returns a malloc'd line (free it); otherwise returns NULL. Ctrl-C abandons the
 * line (CREADLINE_INTERRUPTED); other signals keep readline's handling (terminal restored). */
char *_Nullable creadline_read(const char *prompt, creadline_status *status);

/* Brackets the host's handling of a line. In between, a first Ctrl-C is only recorded, for
 * creadline_take_interrupt; a second one before it is taken ends the process (default SIGINT). */
void creadline_begin_command(void);
void creadline_end_command(void);

/* Between begin and end command: returns 1, once, if Ctrl-C was pressed; else 0. */
int creadline_take_interrupt(void);

/* Adds `line` to the in-memory history unless it repeats the newest entry. Returns 1 if added. */
int creadline_history_add(const char *line);

#pragma clang assume_nonnull end

#endif /* CREADLINE_H */
