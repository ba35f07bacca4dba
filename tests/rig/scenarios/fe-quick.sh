# Scenario fe-quick: the first case of fe-fakebe only (event mode, fe-alloc), for iterating.
# rig-timeout: 480
. "$REPO/frontend/tests/fe-rig-lib.sh"
step event-fealloc 450 fe_case ev fe-stream ", notify-mode=event"
