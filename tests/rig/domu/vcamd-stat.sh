# vcamd-stat.sh PID: one line of what the vcamd process PID holds (scenario soak; dom0 runs it on
# its vcamd, the agent of a driver domain on its own), for a series that must stay flat:
#   pid= rss_kb= (VmRSS)  fds= (open descriptors)  threads=
#   gnt_pages= pages of its gntdev and gntalloc mappings (/proc/PID/maps: mapped guest grants,
#              its own granted pages)
#   ports=     event channels it has bound through /dev/xen/evtchn: the evtchn driver names each
#              one's interrupt "evtchn:<comm>" in /proc/interrupts
#   pages= devices= connected=  vcamd's own count of buffer pages, its devices and how many of
#              them are Connected (`vcamctl status`; VCAMCTL= names the binary)
# POSIX sh: runs under dom0's dash and the guests' busybox sh.  Shell built-ins only, but for one
# vcamctl: every fork costs a PV domain under TCG dearly (a whole sample took 10-30 s with
# sed/grep/awk), and coreutils' wc dies of SIGILL in the rig's dom0 (its AVX2 line counter).
pid=$1
[ -n "$pid" ] && [ -r "/proc/$pid/status" ] || { echo "pid=$pid gone=1"; exit 1; }
rss= threads=
while read -r k v _; do
	case $k in
	VmRSS:) rss=$v ;;
	Threads:) threads=$v ;;
	esac
done <"/proc/$pid/status"
set -- "/proc/$pid/fd/"*
fds=$#
gnt=0
while read -r range _perm _off _dev _ino path; do
	case $path in
	*/xen/gntdev* | */xen/gntalloc*) ;;
	*) continue ;;
	esac
	gnt=$((gnt + (0x${range#*-} - 0x${range%-*}) / 4096))
done <"/proc/$pid/maps"
read -r comm <"/proc/$pid/comm"
ports=0
while read -r line; do
	case $line in *" evtchn:$comm") ports=$((ports + 1)) ;; esac
done </proc/interrupts
# one file per vcamd, overwritten each time (rm would be one more fork)
st=${TMPDIR:-/tmp}/vcamd-stat.$pid
${VCAMCTL:-vcamctl} status >"$st" 2>/dev/null
pages= devices=0 connected=0
while read -r line; do
	case $line in
	"vcamd "*" pages="*)
		pages=${line#* pages=}
		pages=${pages%% *}
		;;
	"device "*)
		devices=$((devices + 1))
		case $line in *" state=Connected "*) connected=$((connected + 1)) ;; esac
		;;
	esac
done <"$st"
echo "pid=$pid rss_kb=$rss fds=$fds threads=$threads gnt_pages=$gnt ports=$ports pages=$pages devices=$devices connected=$connected"
