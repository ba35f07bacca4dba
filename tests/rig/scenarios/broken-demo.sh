# Scenario broken-demo (not in ALL): a deliberately broken scenario.  Its guest never shuts
# down, so `run-rig broken-demo` must FAIL within the timeout and print the guest's console tail.
# rig-timeout: 120
step guest-never-ends 60 bash -c '$XL create "$(domu_cfg broken hang)" && domu_wait_end broken 30'
