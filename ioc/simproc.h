/* simproc.h - runs the feed simulator (ioc-sim) as a child process.
 *
 * Used by "ioc demo" and "ioc snapshot --demo": starts "ioc-sim --demo
 * --port 0" on a free loopback port, waits until it listens, and stops it
 * again. The child is asked to die with its parent (PR_SET_PDEATHSIG on
 * Linux), so no simulator is left running even if ioc is killed.
 *
 * The binary is found as $IOC_SIM_BIN, else next to the running ioc, else
 * as ../feeds/sim/ioc-sim from it (the build tree), else on $PATH. A
 * SimProc owns the child and its pipe; simproc_stop() ends and frees both. */
#ifndef IOC_SIMPROC_H
#define IOC_SIMPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct SimProc SimProc;

/* Starts the simulator with the bundled scenario plus extra_args (a NULL-
 * terminated list, may be NULL) and waits up to timeout_ms for it to listen.
 * With quiet, its standard error goes to /dev/null (for the console). NULL
 * with a message in err on failure. */
SimProc *simproc_start(const char *const *extra_args, bool quiet, int64_t timeout_ms, char *err,
                       size_t errlen);

/* The simulator's base URL, "http://127.0.0.1:PORT" (borrowed). */
const char *simproc_url(const SimProc *s);

/* Stops the simulator (SIGTERM, then SIGKILL after 2 s), reaps it and frees
 * s (NULL is fine). */
void simproc_stop(SimProc *s);

#endif
