# vcamd-stat.sh PID: one line of what the vcamd process PID holds (scenario soak; dom0 runs it on
# its vcamd, the agent of a driver domain on its own), for a series that must stay flat:
#   pid= rss_kb= (VmRSS)  fds= (open descriptors)  threads=
#   gnt_pages= pages of its gntdev and gntalloc mappings (/proc/PID/maps: mapped guest grants,
#              its own granted pages)
#   ports=     event channels it has bound through /dev/xen/evtchn: the evtchn driver names each
#              one's interrupt "evtchn:<comm>" in /proc/interrupts
#   pages= devices= connected=  vcamd's own count of buffer pages, its devices and how many of
#              them are Connected (`vcamctl status`; VCAMCTL= names the binary)
# POSIX sh: runs under dom0's bash and the guests' busybox sh.
pid=$1
[ -n "$pid" ] && [ -r "/proc/$pid/status" ] || { echo "pid=$pid gone=1"; exit 1; }
rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
threads=$(sed -n 's/^Threads:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
# no wc: coreutils' wc dies of SIGILL in the rig's PV dom0 (its AVX2 line counter)
fds=$(ls "/proc/$pid/fd" | grep -c .)
gnt=0
while read -r range _perm _off _dev _ino path; do
	case $path in
	*/xen/gntdev* | */xen/gntalloc*) ;;
	*) continue ;;
	esac
	gnt=$((gnt + (0x${range#*-} - 0x${range%-*}) / 4096))
done <"/proc/$pid/maps"
comm=$(cat "/proc/$pid/comm")
ports=$(awk -v n="evtchn:$comm" '$NF == n { c++ } END { print c + 0 }' /proc/interrupts)
st=$(${VCAMCTL:-vcamctl} status 2>/dev/null)
pages=$(echo "$st" | sed -n 's/^vcamd .* pages=\([0-9]*\) .*/\1/p')
devices=$(echo "$st" | grep -c '^device ')
connected=$(echo "$st" | grep -c '^device .*state=Connected')
echo "pid=$pid rss_kb=$rss fds=$fds threads=$threads gnt_pages=$gnt ports=$ports pages=$pages devices=$devices connected=$connected"
