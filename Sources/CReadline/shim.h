// GNU readline for the REPL (Debian: libreadline-dev). readline.h needs stdio.h first.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
