int creadline_placeholder(void) { return 0; }
