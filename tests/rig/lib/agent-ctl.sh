#!/bin/bash
# dom0's side of tests/rig/domu/agent.sh (the domU agent that dom0 drives through xenstore), for
# the scenarios that use it (driver-domain, save-restore, soak).  Sourced by a scenario after
# dom0-lib.sh.  After a restore or a migration an agent answers in the dir of the domid it runs
# in now: wait with that one.

# dd_wait DOMID SEQ WORD TIMEOUT: waits for the agent's answer data/agent-out/SEQ/WORD of domain
# DOMID; prints "<epoch seconds when seen> <answer>".  One xenstore watch for the whole wait and a
# look after each of its events (the first comes at once): nothing is missed, nothing is polled,
# and the time is the answer's own.  An answer "failed" to SEQ ends the wait at once.
dd_wait() {
	local path=/local/domain/$1/data/agent-out/$2 v rc=1 _ev fd pid
	coproc DDW { exec timeout "$4" xenstore-watch "$path" 2>/dev/null; }
	fd=${DDW[0]} pid=$DDW_PID
	while read -r _ev <&"$fd"; do
		if v=$(xenstore-read "$path/$3" 2>/dev/null); then
			echo "$(now) $v"
			rc=0
			break
		fi
		if v=$(xenstore-read "$path/failed" 2>/dev/null); then
			echo "domain $1: command $2 failed: $v"
			break
		fi
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $rc = 0 ] || [ -n "$v" ] || echo "domain $1: no answer '$3' to command $2 within $4 s"
	return $rc
}

# dd_send NAME VERB ARGS...: a command for the agent of domain NAME (or of domid NAME: saves an
# `xl domid`, which takes seconds on a loaded rig); prints "DOMID SEQ"
dd_send() {
	local name=$1 id seq
	shift
	case $name in
	*[!0-9]*) id=$($XL domid "$name") || return 1 ;;
	*) id=$name ;;
	esac
	exec 8>>/run/dd-seq.lock
	flock 8
	seq=$(($(cat /run/dd-seq 2>/dev/null || echo 0) + 1))
	echo $seq >/run/dd-seq
	exec 8>&-
	xenstore-write "/local/domain/$id/data/agent" "$seq $*" || return 1
	echo "$id $seq"
}

# dd_do NAME TIMEOUT WORD VERB ARGS...: send, wait for the answer WORD, print it
dd_do() {
	local name=$1 t=$2 word=$3 ids
	shift 3
	ids=$(dd_send "$name" "$@") || return 1
	dd_wait ${ids% *} ${ids#* } "$word" "$t"
}

# dd_md5 LINE: the md5 at the end of an agent answer
dd_md5() { sed -n 's/.* md5 \([0-9a-f]*\)$/\1/p' <<<"$1"; }

# dd_ready NAME TIMEOUT: waits for the current incarnation's boot/ready and stores its native md5
# in /run/dd-native-NAME, the time of its answer (the domain stamps it) in /run/dd-ready-NAME
dd_ready() {
	local id line seen md5 stamp
	id=$($XL domid "$1") || return 1
	line=$(dd_wait "$id" boot ready "$2") || { echo "$line"; tail -n 20 "$(domu_console "$1")"; return 1; }
	read -r seen md5 stamp <<<"$line"
	[[ $stamp =~ ^[0-9]+$ ]] || stamp=$seen
	echo "$md5" >"/run/dd-native-$1"
	echo "$stamp" >"/run/dd-ready-$1"
	echo "$1 (domain $id) ready at $stamp (its own clock; dom0 saw it at $seen), native md5 $md5"
}

# dd_cfg NAME PATTERN: a driver domain's xl config (see docs/driver-domain.md)
dd_cfg() {
	local cfg
	cfg=$(DOMU_ARGS="agent.role=dd agent.pattern=$2" domu_cfg "$1" agent "driver_domain = 1") ||
		return 1
	sed -i -e 's/^memory = .*/memory = 160/' -e 's/^on_crash = .*/on_crash = "restart"/' "$cfg"
	echo "$cfg"
}

# xs_wait PATH VALUE WANT TIMEOUT: until the xenstore node PATH reads VALUE (WANT=1) or
# anything else (WANT=0); one watch, no polling; prints the epoch seconds it was seen
xs_wait() {
	local v fd pid rc=1 _ev
	coproc XSW { exec timeout "$4" xenstore-watch "$1" 2>/dev/null; }
	fd=${XSW[0]} pid=$XSW_PID
	while read -r _ev <&"$fd"; do
		v=$(xenstore-read "$1" 2>/dev/null)
		if { [ "$3" = 1 ] && [ "$v" = "$2" ]; } || { [ "$3" = 0 ] && [ "$v" != "$2" ]; }; then
			now
			rc=0
			break
		fi
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return $rc
}

# secs_between A B: B - A, one decimal
secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# agents_end NAME...: tells each guest's agent to exit, then waits for each to end cleanly (no
# oops in its console)
agents_end() {
	local g rc=0
	for g in "$@"; do dd_send "$g" exit >/dev/null || rc=1; done
	for g in "$@"; do domu_wait_end "$g" 120 || rc=1; done
	return $rc
}

export -f dd_wait dd_send dd_do dd_md5 dd_ready dd_cfg xs_wait secs_between agents_end
