#!/usr/bin/env python3
# Usage: perf script -i FILE.perf.data -F comm,tid,ip,sym > FILE.txt; python3 perf_incl.py FILE.txt [REGEX] [N]
# Inclusive share per managed/native method over the client process's samples, tiers merged
# ("[OptimizedTier1]" etc. stripped), each sample counted once per method. argv: script.txt [regex] [n]
import sys, re, collections
EXCLUDE = {'bench_server', 'cc1', 'gcc', 'as', 'ld', 'collect2'}
TIER = re.compile(r'\[(QuickJitted|OptimizedTier1|OptimizedTier1OSR|InstrumentedTier|InstrumentedTierOptimized|Optimized|PreJIT|Tier0|Tier1)\]$')
MT = re.compile(r' /\* MT: 0x[0-9a-f]+ \*/')
filt = re.compile(sys.argv[2]) if len(sys.argv) > 2 else None
n = int(sys.argv[3]) if len(sys.argv) > 3 else 50
incl = collections.Counter(); excl = collections.Counter(); total = 0
comm = None; frames = []
def flush():
    global total
    if comm is None or comm in EXCLUDE: return
    total += 1
    names = [MT.sub('', TIER.sub('', f)) for f in frames]
    if names: excl[names[0]] += 1
    for f in set(names): incl[f] += 1
for line in open(sys.argv[1], errors='replace'):
    if not line.strip():
        flush(); comm = None; frames = []; continue
    if comm is None and not line.startswith('\t'):
        comm = ' '.join(line.split()[:-1]); continue
    parts = line.strip().split(None, 1)
    frames.append(parts[1] if len(parts) > 1 else '')
flush()
mode = incl
print(f"client samples {total}")
for f, v in mode.most_common():
    if f.startswith('[unknown]') or f.startswith('0x'): continue
    if filt and not filt.search(f): continue
    print(f"{100*v/total:5.1f}% (self {100*excl[f]/total:4.1f}%)  {f[:220]}")
    n -= 1
    if n == 0: break
