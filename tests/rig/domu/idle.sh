# A guest that only has to exist (its xenstore dirs are what other guests try to reach); dom0
# destroys it when done.
while :; do sleep 5; done
