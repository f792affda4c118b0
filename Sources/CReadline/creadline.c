/* creadline.c: see include/creadline.h. Written for GNU readline 8.x (checked with 8.2).
 *
 * Ctrl-C, in short: readline's alternate ("callback") interface reads one key at a time, so the
 * wait for input is our own pselect() loop and an interrupted line is abandoned between keys, with
 * readline's documented clean-up calls: no longjmp out of readline (except rl_abort, below), and no
 * readline call from a signal handler.
 *
 *  - on_sigint is installed for the whole session. It only sets flags (async-signal-safe), except
 *    for the "second Ctrl-C during a command" case, where it restores the default action and
 *    re-raises (both async-signal-safe).
 *  - While a line is read, rl_persistent_signal_handlers = 1 keeps readline's own handlers
 *    installed, so SIGTERM, SIGHUP, SIGTSTP (Ctrl-Z) etc. restore the terminal exactly as with plain
 *    readline(). Those handlers only record the signal; readline acts on it later, outside signal
 *    context, when we call rl_check_signals().
 *  - For SIGINT, readline's deferred handling resets its line state (incremental search included,
 *    via rl_callback_sigcleanup), echoes ^C, restores the terminal and re-sends SIGINT to the
 *    handler installed before it, on_sigint, which sets `interrupted`; the loop then drops the line.
 *  - The signals readline catches stay blocked in our loop except atomically inside pselect(), so a
 *    signal cannot arrive between "check for pending signals" and "wait for input" and go unnoticed
 *    until the next key press.
 *
 * Two readline 8.2 quirks shape this. Never call rl_callback_sigcleanup (or anything that
 * redisplays) while readline still has a signal pending: during an incremental search that
 * redisplay handles the signal re-entrantly and frees the search context twice (a crash seen in
 * testing; readline 8.3 patches fix SIGINT during i-search). And, as in bash, readline echoes ^C at
 * the cursor, so Ctrl-C in the middle of a line (or in a search) overwrites two characters of the
 * abandoned line on screen; the next prompt is clean.
 */
#include "creadline.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

/* ---- Completion ------------------------------------------------------------------------------ */

static creadline_completer completer;
static void *completer_context;
/* Candidates of the completion in progress, handed to readline one at a time by next_candidate. */
static char **candidates;
static size_t candidates_next;

void creadline_set_completer(creadline_completer _Nullable fn, void *_Nullable context) {
    completer = fn;
    completer_context = context;
}

/* rl_completion_matches generator: returns the next candidate; readline takes ownership of it. */
static char *next_candidate(const char *text, int state) {
    (void)text;
    (void)state;
    if (candidates == NULL || candidates[candidates_next] == NULL) return NULL;
    return candidates[candidates_next++];
}

static void free_candidates(void) {
    if (candidates == NULL) return;
    for (size_t i = candidates_next; candidates[i] != NULL; i++) free(candidates[i]);
    free(candidates);
    candidates = NULL;
    candidates_next = 0;
}

static char **attempt_completion(const char *text, int start, int end) {
    (void)start;
    rl_attempted_completion_over = 1; /* Never fall back to completing file names. */
    if (completer == NULL) return NULL;
    char *line = strndup(rl_line_buffer, (size_t)end); /* The buffer up to the cursor. */
    if (line == NULL) return NULL;
    candidates = completer(line, text, completer_context);
    candidates_next = 0;
    free(line);
    if (candidates == NULL) return NULL;
    char **matches = rl_completion_matches(text, next_candidate);
    free_candidates();
    /* A unique match such as `w=` expects a value right after it: no space. */
    if (matches != NULL && matches[0] != NULL && matches[1] == NULL) {
        size_t length = strlen(matches[0]);
        if (length > 0 && matches[0][length - 1] == '=') rl_completion_suppress_append = 1;
    }
    return matches;
}

/* ---- Setup ----------------------------------------------------------------------------------- */

static int on_signal_event(void); /* Defined with the line reading below. */

/* Words for completion are split at blanks only, so `w=1`, `n1:k` or `a@b` reach the host whole. */
static char word_breaks[] = " \t\n";

static void on_sigint(int sig);
static struct sigaction sigint_before; /* The disposition to restore at the end of the session. */
static int sigint_owned;

/* readline configuration, once per process. */
static void configure(const char *app_name) {
    static int done;
    if (done) return;
    done = 1;
    rl_readline_name = strdup(app_name);
    rl_basic_word_break_characters = word_breaks;
    rl_completer_word_break_characters = word_breaks;
    rl_attempted_completion_function = attempt_completion;
    rl_change_environment = 0;         /* Do not setenv LINES/COLUMNS behind the host's back. */
    rl_catch_signals = 1;              /* readline restores the terminal on SIGTERM, Ctrl-Z, ... */
    rl_catch_sigwinch = 1;             /* ... and follows window size changes ... */
    rl_persistent_signal_handlers = 1; /* ... for the whole line, not only inside read_char. */
    rl_signal_event_hook = on_signal_event;
    /* In callback mode readline cannot wait for the answer to "Display all N possibilities?" (it
     * answers yes itself), so do not ask. An ~/.inputrc setting still wins. */
    rl_completion_query_items = -1;
}

void creadline_begin_session(const char *app_name) {
    configure(app_name);
    if (sigint_owned) return;
    /* Respect an inherited SIG_IGN (e.g. started in the background by a script), as readline does. */
    sigaction(SIGINT, NULL, &sigint_before);
    if (sigint_before.sa_handler == SIG_IGN) return;
    struct sigaction ours;
    memset(&ours, 0, sizeof ours);
    ours.sa_handler = on_sigint;
    ours.sa_flags = SA_RESTART; /* A command's reads and writes are not cut short by Ctrl-C. */
    sigemptyset(&ours.sa_mask);
    sigaction(SIGINT, &ours, NULL);
    sigint_owned = 1;
}

void creadline_end_session(void) {
    if (sigint_owned) sigaction(SIGINT, &sigint_before, NULL);
    sigint_owned = 0;
    completer = NULL;
    completer_context = NULL;
}

/* ---- Reading a line -------------------------------------------------------------------------- */

/* Ctrl-C was pressed: while reading, abandon the line; during a command, a request to stop it. */
static volatile sig_atomic_t interrupted;
/* Set between creadline_begin_command and creadline_end_command. */
static volatile sig_atomic_t running_command;
static int line_done;
static char *line_read;

static void on_sigint(int sig) {
    if (running_command && interrupted) {
        /* A second Ctrl-C during a command that has not taken the first: end the process the
         * default way. The terminal is not in readline's mode during commands. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    interrupted = 1;
}

void creadline_begin_command(void) {
    interrupted = 0;
    running_command = 1;
}

void creadline_end_command(void) {
    running_command = 0;
    interrupted = 0;
}

int creadline_take_interrupt(void) {
    if (!running_command || !interrupted) return 0;
    interrupted = 0;
    return 1;
}

/* readline's line callback: a finished line, or NULL at EOF. The terminal is already restored. */
static void on_line(char *line) {
    line_read = line;
    line_done = 1;
    rl_callback_handler_remove();
}

/* Set while rl_callback_read_char runs: readline may then wait for more keys itself, e.g. for
 * the end of a bracketed paste. */
static int in_read_char;

/* rl_signal_event_hook: readline calls it when such a nested wait is interrupted by a signal,
 * after readline has handled the signal. For Ctrl-C, leave the nested wait the way Ctrl-G does:
 * rl_abort jumps back to rl_callback_read_char's top level, and our loop then sees `interrupted`. */
static int on_signal_event(void) {
    if (in_read_char && interrupted) rl_abort(0, 0);
    return 0;
}

/* The signals readline 8.2's rl_set_signals catches, plus SIGWINCH. */
static void caught_signals(sigset_t *set) {
    sigemptyset(set);
    int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaddset(set, signals[i]);
}

char *_Nullable creadline_read(const char *prompt, creadline_status *status) {
    sigset_t caught, normal;
    caught_signals(&caught);
    running_command = 0;
    interrupted = 0;
    line_done = 0;
    line_read = NULL;

    /* readline saves on_sigint (installed by creadline_begin_session) as the application's
     * handler and re-sends SIGINT to it after cleaning up. */
    rl_callback_handler_install(prompt, on_line); /* Shows the prompt, preps the terminal. */
    int fd = fileno(rl_instream != NULL ? rl_instream : stdin);
    int failed = 0;

    sigprocmask(SIG_BLOCK, &caught, &normal);
    while (!line_done && !interrupted && !failed) {
        int pending = rl_pending_signal();
        if (pending != 0) {
            /* Let readline handle it with the usual mask, outside signal context. */
            sigprocmask(SIG_SETMASK, &normal, NULL);
            rl_check_signals();
            sigprocmask(SIG_BLOCK, &caught, NULL);
            if (pending == SIGTSTP || pending == SIGTTIN || pending == SIGTTOU) {
                /* Back from being stopped: the shell has moved to a new line; redraw there. */
                rl_on_new_line();
                rl_redisplay();
            }
            continue;
        }
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(fd, &readable);
        int ready = pselect(fd + 1, &readable, NULL, NULL, NULL, &normal);
        if (ready < 0) {
            if (errno != EINTR) failed = 1; /* A signal is handled at the top of the loop. */
            continue;
        }
        sigprocmask(SIG_SETMASK, &normal, NULL);
        in_read_char = 1;
        rl_callback_read_char(); /* May call on_line. A read error or hang-up reads as EOF. */
        in_read_char = 0;
        sigprocmask(SIG_BLOCK, &caught, NULL);
    }
    sigprocmask(SIG_SETMASK, &normal, NULL);

    if (!line_done) {
        /* Abandon the line. First let readline act on any signal still pending (see the quirks
         * above); for SIGINT readline has then done the rest already, and repeating it is harmless. */
        rl_check_signals();
        rl_free_line_state();
        rl_callback_sigcleanup();
        rl_callback_handler_remove(); /* Restores the terminal. */
        if (interrupted) {
            FILE *out = rl_outstream != NULL ? rl_outstream : stdout;
            fputc('\n', out);
            fflush(out);
        }
    }

    if (line_done) {
        *status = line_read != NULL ? CREADLINE_LINE : CREADLINE_EOF;
        return line_read;
    }
    *status = interrupted ? CREADLINE_INTERRUPTED : CREADLINE_EOF;
    return NULL;
}

/* ---- History --------------------------------------------------------------------------------- */

int creadline_history_add(const char *line) {
    if (history_length > 0) {
        HIST_ENTRY *newest = history_get(history_base + history_length - 1);
        if (newest != NULL && strcmp(newest->line, line) == 0) return 0;
    }
    add_history(line);
    return 1;
}
