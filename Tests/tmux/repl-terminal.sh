#!/usr/bin/env bash
# End-to-end test of replab's terminal layer (ReplabTerminal: GNU readline, history, completion,
# Ctrl-C, piped input) in a real terminal, driven with tmux.
#
# Usage:  Tests/tmux/repl-terminal.sh PATH/TO/BINARY
#   e.g.  swift build && Tests/tmux/repl-terminal.sh .build/debug/replab
#
# What it assumes of the binary (nothing else):
#   1. Run with no arguments on a terminal, it shows the prompt "replab> " (override: REPL_PROMPT).
#   2. The line `help` prints at least one line containing "help".
#   3. Typing `hel` then Tab completes to `help` (no other candidate starts with "hel").
#   4. The line `quit` leaves with exit status 0.
#   5. Its REPL is ReplabTerminal's: REPLAB_HISTORY names the history file.
# Every run gets REPLAB_HISTORY in a fresh temporary directory and INPUTRC=/dev/null, so neither
# ~/.replab_history nor ~/.inputrc is read or written.
#
# Needs bash, tmux 3.0 or later, and coreutils `timeout`. Each wait polls every 50 ms for at most
# REPL_TEST_TIMEOUT seconds (default 10). Uses a private tmux server (tmux -L), killed on exit.
# Prints one line per check and ends with "N passed, M failed"; exits 1 if any check failed.

set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/BINARY" >&2
    exit 2
fi
BIN=$1
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
if [ ! -x "$BIN" ]; then
    echo "error: $BIN is not an executable file" >&2
    exit 2
fi
for tool in tmux timeout; do
    command -v "$tool" >/dev/null || { echo "error: $tool is required" >&2; exit 2; }
done

PROMPT=${REPL_PROMPT:-"replab> "}
PROMPT_TRIMMED=${PROMPT%"${PROMPT##*[! ]}"}  # The prompt without trailing blanks, as captured.
TIMEOUT=${REPL_TEST_TIMEOUT:-10}
POLLS=$((TIMEOUT * 20))

WORK=$(mktemp -d "${TMPDIR:-/tmp}/repl-terminal.XXXXXX")
SOCKET="repl-terminal-$$"
CONF="$WORK/tmux.conf"
# Keep panes after their process exits, so the last screen can be shown; keep the server up
# between sessions (a new session must not race with a server shutting down).
printf 'set -s exit-empty off\nset -g remain-on-exit on\nset -g history-limit 2000\n' >"$CONF"

tm() { tmux -L "$SOCKET" -f "$CONF" "$@"; }
SOCKET_PATH="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCKET"  # tmux leaves it behind.
cleanup() {
    tmux -L "$SOCKET" kill-server >/dev/null 2>&1
    rm -f "$SOCKET_PATH"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
FAILURE=""  # Why the current check failed.

# ---- Driving a session ---------------------------------------------------------------------------

# start NAME HISTORY_FILE: runs the binary in a new 100x30 session. A bash wrapper writes its exit
# status to $WORK/NAME.status (tmux's own #{pane_dead_status} sometimes lags by seconds); the
# wrapper's no-op INT trap keeps bash itself alive on Ctrl-C, while the binary starts with the
# default SIGINT disposition.
start() {
    rm -f "$WORK/$1.status"
    tm new-session -d -s "$1" -x 100 -y 30 \
        env INPUTRC=/dev/null REPLAB_HISTORY="$2" BIN="$BIN" STATUS="$WORK/$1.status" \
        bash -c 'trap : INT; "$BIN"; echo "$?" >"$STATUS.tmp" && mv "$STATUS.tmp" "$STATUS"'
}
# start_shell NAME COMMAND: runs a shell command, which can use "$BIN", in a new session.
start_shell() {
    tm new-session -d -s "$1" -x 100 -y 30 env INPUTRC=/dev/null BIN="$BIN" sh -c "$2"
}
keys() { tm send-keys -t "$1" "${@:2}"; }     # Key names: Enter, Tab, Up, C-c, C-d.
type_text() { tm send-keys -t "$1" -l "$2"; } # Literal text.
# The whole pane (scrollback included), wrapped lines joined, trailing blanks and empty lines removed.
screen() {
    tm capture-pane -p -J -S - -t "$1" | sed -e 's/[[:space:]]*$//' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
last_line() { screen "$1" | tail -n 1; }
prompt_count() { screen "$1" | awk -v p="$PROMPT_TRIMMED" 'index($0, p) == 1 { n++ } END { print n + 0 }'; }

# wait_until DESCRIPTION COMMAND...: polls COMMAND until it succeeds, at most TIMEOUT seconds.
wait_until() {
    local what=$1 i
    shift
    for ((i = 0; i < POLLS; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    FAILURE="timed out after ${TIMEOUT}s waiting for $what"
    return 1
}
# expect DESCRIPTION COMMAND...: fails the check with DESCRIPTION unless COMMAND succeeds now.
expect() {
    local what=$1
    shift
    "$@" && return 0
    FAILURE=$what
    return 1
}

last_line_is() { [ "$(last_line "$1")" = "$2" ]; }
at_prompt() { last_line_is "$1" "$PROMPT_TRIMMED"; }
prompts_at_least() { [ "$(prompt_count "$1")" -ge "$2" ] && at_prompt "$1"; }
exited() { [ -e "$WORK/$1.status" ]; }
alive() { ! exited "$1"; }

# submit NAME TEXT: types TEXT and Enter, then waits for the next prompt.
submit() {
    local before
    before=$(prompt_count "$1")
    type_text "$1" "$2"
    keys "$1" Enter
    wait_until "a new prompt after \"$2\"" prompts_at_least "$1" $((before + 1))
}
# output_after NAME ECHO PATTERN: after the last line equal to ECHO (the prompt and the typed
# line), some line before the final prompt matches PATTERN (an awk regex, matched in lower case).
output_after() {
    screen "$1" | awk -v echo="$2" -v pattern="$3" '
        { line[NR] = $0 }
        $0 == echo { last = NR }
        END {
            for (i = last + 1; last && i < NR; i++) if (tolower(line[i]) ~ pattern) found = 1
            exit found ? 0 : 1
        }'
}
# leaves_ok NAME: waits for the process to exit, then requires exit status 0.
leaves_ok() {
    wait_until "the process to exit" exited "$1" || return 1
    local status
    status=$(cat "$WORK/$1.status")
    expect "exit status $status, expected 0" [ "$status" = 0 ]
}
screen_matches() { screen "$1" | grep -qi -- "$2"; }
screen_lacks() { ! screen "$1" | grep -qF -- "$2"; }
text_matches() { grep -qi -- "$2" <<<"$1"; }
text_lacks() { ! grep -qF -- "$2" <<<"$1"; }
warning_lines_at_most_one() { [ "$(screen "$1" | grep -ci warning)" -le 1 ]; }
no_blank_or_repeated_lines() { ! grep -q '^$' "$1" && [ -z "$(uniq -d "$1")" ]; }

# run_check NAME FUNCTION: runs one check, whose session is named NAME, and records the result.
run_check() {
    local name=$1 fn=$2
    FAILURE=""
    if "$fn" "$name"; then
        PASSED=$((PASSED + 1))
        echo "ok   $name"
    else
        FAILED=$((FAILED + 1))
        echo "FAIL $name: ${FAILURE:-check failed}"
        if tm has-session -t "$name" 2>/dev/null; then
            echo "---- screen of $name ----"
            screen "$name" | sed 's/^/| /'
            echo "-------------------------"
        fi
    fi
    tm kill-session -t "$name" >/dev/null 2>&1
    return 0
}

# ---- Checks --------------------------------------------------------------------------------------

check_prompt() {
    start "$1" "$WORK/$1.history"
    wait_until "the prompt \"$PROMPT\"" at_prompt "$1"
}

check_line_output() {
    start "$1" "$WORK/$1.history"
    wait_until "the prompt" at_prompt "$1" || return 1
    submit "$1" help || return 1
    expect "output containing \"help\" after the line" output_after "$1" "${PROMPT}help" help
}

check_ctrl_c() {
    start "$1" "$WORK/$1.history"
    wait_until "the prompt" at_prompt "$1" || return 1
    type_text "$1" hel
    wait_until "the typed text" last_line_is "$1" "${PROMPT}hel" || return 1
    keys "$1" C-c
    wait_until "a fresh, empty prompt after Ctrl-C" prompts_at_least "$1" 2 || return 1
    expect "the process to keep running after Ctrl-C" alive "$1" || return 1
    # Again and again (one at a time: keys sent together raise signals that merge, as in bash),
    # each giving a new prompt; then the REPL still works, with the abandoned text gone.
    local count
    for count in 3 4 5; do
        keys "$1" C-c
        wait_until "prompt number $count after another Ctrl-C" prompts_at_least "$1" "$count" || return 1
    done
    expect "the process to keep running after more Ctrl-C" alive "$1" || return 1
    submit "$1" help || return 1
    expect "output of help typed after Ctrl-C (no abandoned text)" \
        output_after "$1" "${PROMPT}help" help
}

check_up_arrow() {
    start "$1" "$WORK/$1.history"
    wait_until "the prompt" at_prompt "$1" || return 1
    submit "$1" help || return 1
    keys "$1" Up
    wait_until "Up to recall \"help\"" last_line_is "$1" "${PROMPT}help"
}

check_tab() {
    start "$1" "$WORK/$1.history"
    wait_until "the prompt" at_prompt "$1" || return 1
    type_text "$1" hel
    keys "$1" Tab
    wait_until "Tab to complete \"hel\" to \"help\"" last_line_is "$1" "${PROMPT}help" || return 1
    keys "$1" Enter
    wait_until "a new prompt" prompts_at_least "$1" 2 || return 1
    expect "output of the completed line" output_after "$1" "${PROMPT}help" help
}

# Completion knows the command: after "show timeline" only the timeline's options, after "get x"
# no "blind", after "set" every switch (fencing and failover-timeout included).
screen_lacks() { ! screen "$1" | grep -qi -- "$2"; }
check_tab_in_context() {
    start "$1" "$WORK/$1.history"
    wait_until "the prompt" at_prompt "$1" || return 1
    submit "$1" "cluster leaderless" || return 1
    submit "$1" "put x 1" || return 1
    type_text "$1" "show timeline "
    keys "$1" Tab Tab
    wait_until "Tab Tab after \"show timeline\" to list its options" screen_matches "$1" "steps=" || return 1
    expect "show timeline offers mermaid and last=" screen_matches "$1" "last=" || return 1
    expect "show timeline offers no views or nodes" screen_lacks "$1" "history" || return 1
    keys "$1" C-c
    wait_until "a fresh prompt after Ctrl-C" at_prompt "$1" || return 1
    type_text "$1" "get "
    keys "$1" Tab
    wait_until "Tab after \"get\" to complete the only key" last_line_is "$1" "${PROMPT}get x" || return 1
    type_text "$1" " "
    keys "$1" Tab Tab
    wait_until "Tab Tab after \"get x\" to list via and as" screen_matches "$1" "via" || return 1
    expect "get offers no blind" screen_lacks "$1" "blind" || return 1
    keys "$1" C-c
    wait_until "a fresh prompt after Ctrl-C" at_prompt "$1" || return 1
    type_text "$1" "set "
    keys "$1" Tab Tab
    wait_until "Tab Tab after \"set\" to list the switches" screen_matches "$1" "failover-timeout" || return 1
    expect "set offers fencing" screen_matches "$1" "fencing"
}

check_quit() {
    start "$1" "$WORK/$1.history"
    wait_until "the prompt" at_prompt "$1" || return 1
    type_text "$1" quit
    keys "$1" Enter
    leaves_ok "$1"
}

check_ctrl_d() {
    start "$1" "$WORK/$1.history"
    wait_until "the prompt" at_prompt "$1" || return 1
    keys "$1" C-d
    leaves_ok "$1"
}

check_history_persists() {
    local history="$WORK/$1.history"
    start "$1" "$history"
    wait_until "the prompt" at_prompt "$1" || return 1
    submit "$1" help || return 1
    type_text "$1" quit
    keys "$1" Enter
    leaves_ok "$1" || return 1
    expect "a history file $history holding \"help\"" grep -qx help "$history" || return 1
    tm kill-session -t "$1"
    # Second run on the same file: Up recalls quit, Up again help.
    start "$1" "$history"
    wait_until "the prompt (second run)" at_prompt "$1" || return 1
    keys "$1" Up
    wait_until "Up to recall \"quit\" from the first run" last_line_is "$1" "${PROMPT}quit" || return 1
    keys "$1" Up
    wait_until "Up again to recall \"help\"" last_line_is "$1" "${PROMPT}help" || return 1
    keys "$1" C-c
    wait_until "a fresh prompt after Ctrl-C" last_line_is "$1" "$PROMPT_TRIMMED" || return 1
    keys "$1" C-d
    leaves_ok "$1"
}

check_history_filters() {
    local history="$WORK/$1.history"
    start "$1" "$history"
    wait_until "the prompt" at_prompt "$1" || return 1
    submit "$1" help || return 1
    submit "$1" help || return 1
    submit "$1" "" || return 1
    type_text "$1" quit
    keys "$1" Enter
    leaves_ok "$1" || return 1
    expect "no blank lines and no immediate repeats in the history file: $(tr '\n' '|' <"$history")" \
        no_blank_or_repeated_lines "$history" || return 1
    expect "a history file ending with help, quit: $(tr '\n' '|' <"$history")" \
        [ "$(tail -n 2 "$history" | tr '\n' ' ')" = "help quit " ]
}

check_history_unwritable() {
    start "$1" "$WORK/no-such-directory/history"
    wait_until "the prompt" at_prompt "$1" || return 1
    submit "$1" help || return 1
    submit "$1" "help " || return 1
    submit "$1" " help" || return 1
    type_text "$1" quit
    keys "$1" Enter
    leaves_ok "$1" || return 1
    expect "at most one warning line" warning_lines_at_most_one "$1"
}

check_pipe_in_terminal() {
    # Standard input is a pipe, standard output the terminal: plain lines, no prompt.
    start_shell "$1" 'printf "help\nquit\n" | "$BIN"; echo "[exit status $?]"'
    wait_until "the piped run to finish" screen_matches "$1" '^\[exit status' || return 1
    expect "exit status 0" screen_matches "$1" '^\[exit status 0\]' || return 1
    expect "output containing \"help\"" screen_matches "$1" help || return 1
    expect "no prompt on the screen" screen_lacks "$1" "$PROMPT_TRIMMED"
}

# piped INPUT [HISTORY]: runs the binary on printf INPUT with no terminal and prints its output;
# fails if it crashed (killed by a signal) or hung.
piped() {
    local status
    printf "$1" | timeout "$TIMEOUT" env INPUTRC=/dev/null REPLAB_HISTORY="${2:-$WORK/piped.history}" "$BIN" 2>&1
    status=${PIPESTATUS[1]}
    [ "$status" -lt 124 ] || { echo "[exit status $status]"; return 1; }
}
check_piped() {
    local out
    out=$(piped 'help\nquit\n' "$WORK/$1.history") || { FAILURE="crashed or hung: $out"; return 1; }
    expect "output containing \"help\": $out" text_matches "$out" help || return 1
    expect "no prompt in the output: $out" text_lacks "$out" "$PROMPT_TRIMMED" || return 1
    expect "no history file written in piped mode" [ ! -e "$WORK/$1.history" ]
}
check_piped_crlf_and_last_line() {
    local lf crlf last
    lf=$(piped 'help\nquit\n') || { FAILURE="crashed or hung: $lf"; return 1; }
    crlf=$(piped 'help\r\nquit\r\n') || { FAILURE="crashed or hung on CRLF input: $crlf"; return 1; }
    expect "CRLF input to behave like LF input: [$lf] vs [$crlf]" [ "$lf" = "$crlf" ] || return 1
    last=$(piped 'help') || { FAILURE="crashed or hung on a last line without newline: $last"; return 1; }
    expect "a last line without newline to run: $last" text_matches "$last" help
}
check_piped_invalid_utf8() {
    local out
    out=$(piped 'help\n\377\376 \303\n\200quit\nquit\n') || { FAILURE="crashed or hung: $out"; return 1; }
    expect "output containing \"help\" despite invalid UTF-8: $out" text_matches "$out" help
}

# ---- Run -----------------------------------------------------------------------------------------

echo "Testing $BIN (prompt \"$PROMPT\", timeout ${TIMEOUT}s per wait)"
run_check prompt check_prompt
run_check line-output check_line_output
run_check ctrl-c check_ctrl_c
run_check up-arrow check_up_arrow
run_check tab check_tab
run_check tab-in-context check_tab_in_context
run_check quit check_quit
run_check ctrl-d check_ctrl_d
run_check history-persists check_history_persists
run_check history-filters check_history_filters
run_check history-unwritable check_history_unwritable
run_check pipe-in-terminal check_pipe_in_terminal
run_check piped check_piped
run_check piped-crlf check_piped_crlf_and_last_line
run_check piped-invalid-utf8 check_piped_invalid_utf8

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
