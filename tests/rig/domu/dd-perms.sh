# Guest side of scenario security, in a guest that is also the backend domain of one of the
# thief's cameras (as a driver domain is): it may write its own backend dirs and read its
# frontends' dirs, nothing else.  It stays up afterwards: the thief tries to reach its dirs.
d=$(xenstore-read domid)
fail() { echo "DDPERMS FAIL: $*"; exit 1; }
mine=/local/domain/$d/backend/vcamera
i=0
while ! xenstore-list $mine >/tmp/fes 2>/dev/null || [ ! -s /tmp/fes ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "no backend dir of ours appeared"; sleep 0.1
done
fedom=$(head -n 1 /tmp/fes)
devid=$(xenstore-list $mine/$fedom | head -n 1)
mydir=$mine/$fedom/$devid
echo "DDPERMS domid $d serves domain $fedom device $devid"
fedir=$(xenstore-read $mydir/frontend) || fail "cannot read $mydir/frontend"
# its own backend dir: readable and writable
xenstore-write $mydir/feature-probe 1 || fail "cannot write its own backend dir"
xenstore-read $mydir/unique-id >/dev/null || fail "cannot read its own configuration"
# its frontend's dir: readable, not writable
xenstore-read $fedir/state >/dev/null || fail "cannot read $fedir"
xenstore-write $fedir/state 6 2>/dev/null && fail "could write its frontend's dir"
# everything else: out of reach
for p in /local/domain/0/backend/vcamera/$fedom /local/domain/$fedom/device/vcamera/0 \
	/local/domain/0/backend/vcamera; do
	xenstore-list $p 2>/dev/null && fail "could list $p"
	xenstore-write $p/state 6 2>/dev/null && fail "could write $p"
done
xenstore-write /local/domain/0/backend/vcamera/$fedom/$devid/state 4 2>/dev/null &&
	fail "could write dom0's backend dir"
xenstore-write /local/domain/$fedom/backend/vcamera/x 1 2>/dev/null &&
	fail "could write into the frontend domain's own tree"
echo "DDPERMS ok: own backend dir rw, its frontend's dir ro, nothing else"
while :; do sleep 5; done
