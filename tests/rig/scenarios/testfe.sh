# Scenario testfe: what the vcamd scenario does not cover, with the userspace test frontend:
# vcam-testfe over vcamd's loopback transport in every mode (frames identical to a native
# capture), 4K page-directory chains, be-alloc hostile variants, refs granted to a real third
# domain, and reconnecting after vcamd dropped a broken ring, while a second guest streams.
# The three guests are created and boot during the loopback step, and each waits for dom0's go.
# rig-timeout: 1200
. "$REPO/tests/testfe/rig/testfe-rig.sh"
step vivid 60 tfe_vivid
step native 60 tfe_native
step vcamd-start 30 tfe_vcamd_start
step guests-create 10 tfe_guests_boot_bg
step loopback 300 tfe_loopback
step guest-big 420 tfe_guest_big
step guest-hostile 620 tfe_guest_hostile
step vcamd-stop 30 tfe_vcamd_stop
