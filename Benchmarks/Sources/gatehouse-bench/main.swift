// Replaced by the benchmark driver; keeps the target buildable meanwhile.
print("usage: gatehouse-bench <validator|sessions|metadata> [options]")
