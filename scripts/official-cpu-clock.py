"""Runs ../shared/bench/official_renderer.py unchanged, timing with this process's CPU time instead of wall time.

    /usr/bin/python3 scripts/official-cpu-clock.py ../shared/bench/official_renderer.py --device cpu --threads 1 --reps 2

The official script times each call with time.perf_counter(); on a shared machine the wait for a core inflates
that. With one intra-op thread, process CPU time is the work itself, and ours is measured the same way
(`pnpm bench:render --clock cpu`). The script's own output lines are passed through.
"""
import runpy
import sys
import time

script = sys.argv[1]
sys.argv = sys.argv[1:]
time.perf_counter = time.process_time
runpy.run_path(script, run_name="__main__")
