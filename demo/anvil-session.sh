#!/bin/sh
# Starts anvil ($ALEPH_DEMO_ANVIL) in a session of its own. A terminal's Ctrl-C signals the whole
# foreground process group; in its own session anvil does not get it, so the demo can stop the
# service while the chains still answer, and then stop anvil itself. `exec` keeps the pid the demo
# tracks, and the parent-death signal set by setpriv survives both execs.
exec setsid "$ALEPH_DEMO_ANVIL" "$@"
