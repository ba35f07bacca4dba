# Guest side of the vcamd scenario (backend/tests/rig/vcamd-lib.sh): run vcam-testfe commands
# named on the kernel command line: tfcmds=a,b,c  tfopts=words_joined_by_underscores.
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
cmds=$(arg tfcmds | tr ',' ' ')
opts=$(arg tfopts | tr '_' ' ')
rc=0
for c in ${cmds:-stream}; do
	echo "BETEST run $c"
	vcam-testfe $opts $c >/tmp/tf.out 2>&1
	r=$?
	sed "s/^/BETEST $c: /" /tmp/tf.out
	echo "BETEST result $c $r"
	case $r in 0|77) ;; *) rc=1 ;; esac
done
exit $rc
