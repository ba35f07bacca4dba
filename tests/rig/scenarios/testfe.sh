# Scenario testfe: what the vcamd scenario does not cover, with the userspace test frontend:
# vcam-testfe over vcamd's loopback transport in every mode (frames identical to a native
# capture), 4K page-directory chains, be-alloc hostile variants, refs granted to a real third
# domain, and reconnecting after vcamd dropped a broken ring, while a second guest streams.
# The two guests are created first, in the background, and boot while dom0 prepares the camera
# and runs the loopback step; each waits for dom0's go.  The one that streams during the hostile
# guest's runs first does the 4K and be-alloc hybrid runs alone on the camera (step guest-big).
# rig-timeout: 1200
. "$REPO/tests/testfe/rig/testfe-rig.sh"
step guests-create 10 tfe_guests_boot_bg
step vivid 60 tfe_vivid
step native 60 tfe_native
step vcamd-start 30 tfe_vcamd_start
step loopback 300 tfe_loopback
step guest-big 420 tfe_guest_big
step guest-hostile 620 tfe_guest_hostile
step vcamd-stop 30 tfe_vcamd_stop
