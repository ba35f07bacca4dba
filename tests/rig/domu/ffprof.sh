# Where a first frame's kernel time goes (issue 12 part 6), sourced by the guest's bench script
# (busybox sh) and by dom0's (bash): ftrace's function_graph tracer (Debian's kernel has no
# function profiler) over the calls a capture's setup makes (V4L2 and vb2, vmalloc and
# page-table work, grants, the frontend's own functions), each call's time including its
# children.  One capture runs under it, after the timed ones, so the medians are not slowed by
# the tracing.  Prints "PREFIX FUNCTION CALLS TOTAL_US" per function that ran, all CPUs.
FFPROF_T=/sys/kernel/tracing
# Per-page calls (PTE writes, grants, vm_insert_page) are left out: traced, their thousands of
# calls would cost more than they do; the calls around them show what they add up to.
FFPROF_FUNCS='vb2_core_reqbufs vb2_core_create_bufs vb2_core_qbuf vb2_core_streamon
vb2_core_dqbuf vb2_mmap vb2_core_queue_release vb2_vmalloc_alloc vb2_vmalloc_mmap
vb2_vmalloc_put vmalloc_user __vmalloc_node_range vfree remap_vmalloc_range
xen_front_pgdir_shbuf_alloc xen_front_pgdir_shbuf_map xen_front_pgdir_shbuf_free
gnttab_alloc_grant_references v4l_s_fmt v4l_reqbufs v4l_qbuf v4l_dqbuf v4l_streamon
v4l_streamoff v4l2_open v4l2_release vcamfe_queue_setup vcamfe_bufs_request vcamfe_buf_init
vcamfe_buf_share vcamfe_buf_prepare vcamfe_buf_queue vcamfe_buf_wait_created
vcamfe_start_streaming vcamfe_req_sync vcamfe_buf_cleanup vcamfe_bufs_release
vcamfe_stop_streaming vcamfe_buf_unshare pages_alloc pages_mmap pgbuf_put'

ffprof_start() {
	local f
	[ -e "$FFPROF_T/current_tracer" ] || mount -t tracefs nodev "$FFPROF_T" 2>/dev/null
	grep -qw function_graph "$FFPROF_T/available_tracers" 2>/dev/null ||
		{ echo "ffprof: no function_graph tracer"; return 1; }
	echo 0 >"$FFPROF_T/tracing_on"
	echo nop >"$FFPROF_T/current_tracer"
	: >"$FFPROF_T/set_ftrace_filter"
	# names this kernel lacks (or inlined) are skipped, one at a time
	for f in $FFPROF_FUNCS; do echo "$f" >>"$FFPROF_T/set_ftrace_filter" 2>/dev/null; done
	echo 8192 >"$FFPROF_T/buffer_size_kb"
	echo function_graph >"$FFPROF_T/current_tracer"
	echo 1 >"$FFPROF_T/options/funcgraph-tail"
	: >"$FFPROF_T/trace"
	echo 1 >"$FFPROF_T/tracing_on"
}

# ffprof_dump PREFIX: stop, and print each traced function's calls and time (children
# included, every CPU): the graph tracer's exit lines carry the duration and, with
# funcgraph-tail, the name ("name();" for a call with no traced children)
ffprof_dump() {
	echo 0 >"$FFPROF_T/tracing_on"
	awk -v p="$1" '
		match($0, /[0-9]+\.[0-9]+ us/) {
			d = substr($0, RSTART, RLENGTH - 3)
			# "} /* name */" or "name();", a module'"'"'s names followed by " [module]"
			f = $0
			sub(/^[^|]*\|[ \t]*/, "", f)
			sub(/^} \/\* /, "", f)
			sub(/[ (\[].*$/, "", f)
			if (f == "" || f == "}")
				next
			hits[f]++; us[f] += d
		}
		END { for (f in hits) printf "%s %s %d %.1f\n", p, f, hits[f], us[f] }' \
		"$FFPROF_T/trace" | sort -k4 -n -r
	echo nop >"$FFPROF_T/current_tracer"
	: >"$FFPROF_T/set_ftrace_filter"
}
