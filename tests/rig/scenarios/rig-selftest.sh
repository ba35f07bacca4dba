# Scenario rig-selftest: the rig's own failure detection must work, or every other PASS means
# nothing.  A guest whose test never finishes must be reported as failed once its timeout runs
# out (and be destroyed), and a guest that never prints VCAMTEST-PASS must fail too.
# rig-timeout: 120

hung_guest() {
	$XL create "$(domu_cfg hang hang)" || return 0  # a failed create would also be "not passing"
	domu_wait_end hang 25
}
export -f hung_guest
expect_fail hung-guest-times-out 60 hung_guest
step hung-guest-destroyed 10 bash -c '! $XL domid hang'
