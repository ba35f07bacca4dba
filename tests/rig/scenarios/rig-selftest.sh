# Scenario rig-selftest: the rig's own failure detection must work, or every other PASS means
# nothing.  A guest whose test never finishes must be reported as failed once its timeout runs
# out (and be destroyed), and a guest that never prints VCAMTEST-PASS must fail too.
# rig-timeout: 150

# The wait starts once the guest runs its never-ending test (VCAMTEST-START), so a short one
# proves the timeout path as well as a long one did (a fixed 25 s from xl create was mostly
# the guest's boot).  A guest that never gets that far returns 0 here, like a failed create,
# so the step (which must fail) is reported FAIL.
hung_guest() {
	$XL create "$(domu_cfg hang hang)" || return 0  # a failed create would also be "not passing"
	domu_wait_marker hang "VCAMTEST-START hang" 90 || { $XL destroy hang; return 0; }
	domu_wait_end hang 5
}
export -f hung_guest
expect_fail hung-guest-times-out 120 hung_guest
step hung-guest-destroyed 10 bash -c '! $XL domid hang'
