# Guest side of the rig's self-test: never finishes, so the dom0 side must time out and fail.
while :; do sleep 1; done
