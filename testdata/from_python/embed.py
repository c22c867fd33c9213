# embed.py: a stateful worker. It sets up its device once, then answers
# one JSON line per record on stdin, flushed.
import json, sys

device = sys.argv[sys.argv.index("--device") + 1]
for line in sys.stdin:
    print(json.dumps(line.rstrip("\n") + " on " + device), flush=True)
