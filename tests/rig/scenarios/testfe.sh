# Scenario testfe: what the vcamd scenario does not cover, with the userspace test frontend:
# vcam-testfe over vcamd's loopback transport in every mode (frames identical to a native
# capture), 4K page-directory chains, be-alloc hostile variants, refs granted to a real third
# domain, and reconnecting after vcamd dropped a broken ring, while a second guest streams.
# rig-timeout: 1200
. "$REPO/tests/testfe/rig/testfe-rig.sh"
step vivid 60 tfe_vivid
step native 60 tfe_native
step loopback 300 tfe_loopback
step vcamd-start 30 tfe_vcamd_start
step guest-big 420 tfe_guest_big
step guest-hostile 620 tfe_guest_hostile
step vcamd-stop 30 tfe_vcamd_stop
