# Scenario fe-retest: a short cut through fe-fakebe (be-alloc, hybrid, backend restart and a few
# hostile backends), for checking fixes without the full list.
# rig-timeout: 900
. "$REPO/frontend/tests/fe-rig-lib.sh"
step event-bealloc 300 fe_case eb fe-stream ", notify-mode=event, be-alloc=1"
step hybrid-fealloc 300 fe_case hy fe-stream ", notify-mode=hybrid"
step backend-restart 400 fe_recover
for m in rsp-prod evt-index no-reply vanish refuse-start vanish-at-start; do
	step "hostile-$m" 200 fe_case "h-$m" fe-hostile "" --hostile "$m"
done
