int creadline_placeholder(void);
