# Guest side of scenario toolstack: the camera nodes the toolstack wrote are visible to the
# guest with the right permissions: its own frontend dir readable and writable, the backend
# dir readable but not writable.
set -e
d=$(xenstore-read domid)
fe=/local/domain/$d/device/vcamera/0
uid=$(xenstore-read $fe/unique-id)
be=$(xenstore-read $fe/backend)
echo "toolstack: domid $d unique-id $uid backend $be"
[ "$uid" = video0 ]
[ "$be" = "/local/domain/0/backend/vcamera/$d/0" ]
[ "$(xenstore-read $fe/formats/YUYV/640x360/frame-rates)" = "5/1,10/1" ]
[ "$(xenstore-read $fe/controls)" = "brightness,hue" ]
[ "$(xenstore-read $fe/notify-mode)" = hybrid ]
[ "$(xenstore-read $be/frontend-id)" = "$d" ]
[ "$(xenstore-read $be/state)" = 1 ]
# the guest owns its frontend dir
xenstore-write $fe/guest-probe 1
# ... but must not be able to change the backend's state
if xenstore-write $be/state 4 2>/dev/null; then
	echo "toolstack: guest could write the backend state"
	exit 1
fi
[ "$(xenstore-read $be/state)" = 1 ]
echo "toolstack: guest-side permissions ok"
