# Scenario fe-storm: fe-robust's event-storm step alone, for iterating (domu/fe-storm.sh).
# rig-timeout: 720

. "$REPO/frontend/tests/fe-rig-lib.sh"

FE_GUEST_WAIT=600 step event-storm 700 fe_case storm fe-storm "" --storm
