# Guest side of scenario security, in a guest that is also the backend domain of one of the
# thief's cameras (as a driver domain is): it may write its own backend dirs and read its
# frontends' dirs, nothing else.  It stays up afterwards: the thief tries to reach its dirs.
d=$(xenstore-read domid)
fail() { echo "DDPERMS FAIL: $*"; exit 1; }
# one xenstore call, bounded; a slow one is reported
xs() {
	local t0 t1 r
	read -r t0 _ </proc/uptime
	timeout 30 "$@" 2>/dev/null
	r=$?
	read -r t1 _ </proc/uptime
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a > 2) }' &&
		echo "DDPERMS slow: $* took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s (exit $r)" >&2
	return $r
}
mine=/local/domain/$d/backend/vcamera
i=0
while ! xenstore-list $mine >/tmp/fes 2>/dev/null || [ ! -s /tmp/fes ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "no backend dir of ours appeared"; sleep 0.1
done
fedom=$(head -n 1 /tmp/fes)
devid=$(xenstore-list $mine/$fedom | head -n 1)
mydir=$mine/$fedom/$devid
echo "DDPERMS domid $d serves domain $fedom device $devid"
fedir=$(xs xenstore-read $mydir/frontend) || fail "cannot read $mydir/frontend"
# its own backend dir: readable and writable
xs xenstore-write $mydir/feature-probe 1 || fail "cannot write its own backend dir"
xs xenstore-read $mydir/unique-id >/dev/null || fail "cannot read its own configuration"
# its frontend's dir: readable, not writable
xs xenstore-read $fedir/state >/dev/null || fail "cannot read $fedir"
xs xenstore-write $fedir/state 6 && fail "could write its frontend's dir"
# everything else: out of reach
for p in /local/domain/0/backend/vcamera/$fedom /local/domain/$fedom/device/vcamera/0 \
	/local/domain/0/backend/vcamera; do
	xs xenstore-list $p && fail "could list $p"
	xs xenstore-write $p/state 6 && fail "could write $p"
done
xs xenstore-write /local/domain/0/backend/vcamera/$fedom/$devid/state 4 &&
	fail "could write dom0's backend dir"
xs xenstore-write /local/domain/$fedom/backend/vcamera/x 1 &&
	fail "could write into the frontend domain's own tree"
echo "DDPERMS ok: own backend dir rw, its frontend's dir ro, nothing else"
while :; do sleep 5; done
