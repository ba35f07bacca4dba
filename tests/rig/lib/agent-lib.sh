#!/bin/bash
# dom0's side of tests/rig/domu/agent.sh, for scenarios that source this file: a command goes to
# a domain's xenstore data/agent as "SEQ VERB ARGS..."; the agent answers with
# data/agent-out/SEQ/WORD.  Waits are xenstore watches, never polling (polling costs dearly
# under TCG).  An agent's answers land in the dir of the domain it runs in *now*: after a
# restore or a migration that is the new domid, so wait with the new one.

# agent_send NAME VERB ARGS...: a command for the agent of domain NAME; prints "DOMID SEQ"
agent_send() {
	local name=$1 id seq
	shift
	id=$($XL domid "$name") || return 1
	exec 8>>/run/agent-seq.lock
	flock 8
	seq=$(($(cat /run/agent-seq 2>/dev/null || echo 0) + 1))
	echo $seq >/run/agent-seq
	exec 8>&-
	xenstore-write "/local/domain/$id/data/agent" "$seq $*" || return 1
	echo "$id $seq"
}

# agent_wait DOMID SEQ WORD TIMEOUT: waits for the answer data/agent-out/SEQ/WORD of domain
# DOMID; prints "<epoch seconds when seen> <answer>".  One watch for the whole wait and a look
# after each of its events (the first comes at once): nothing is missed.  An answer "failed"
# to SEQ ends the wait at once.
agent_wait() {
	local path=/local/domain/$1/data/agent-out/$2 v rc=1 _ev fd pid
	coproc AGW { exec timeout "$4" xenstore-watch "$path" 2>/dev/null; }
	fd=${AGW[0]} pid=$AGW_PID
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

# agent_do NAME TIMEOUT WORD VERB ARGS...: send, wait for the answer WORD, print it
agent_do() {
	local name=$1 t=$2 word=$3 ids
	shift 3
	ids=$(agent_send "$name" "$@") || return 1
	agent_wait "${ids% *}" "${ids#* }" "$word" "$t"
}

# agent_md5 LINE: the md5 at the end of an agent answer
agent_md5() { sed -n 's/.* md5 \([0-9a-f]*\)$/\1/p' <<<"$1"; }

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

export -f agent_send agent_wait agent_do agent_md5 xs_wait secs_between
