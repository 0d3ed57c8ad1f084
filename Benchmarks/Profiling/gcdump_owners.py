#!/usr/bin/env python3
"""Groups `dotnet-gcdump report` outputs of N idle connections by owner: bytes per connection, a column per report.

Usage: gcdump_owners.py [--connections N] REPORT.txt...   (N = 10000 by default; prints markdown table rows)
Each type's bytes are its object size times its count (the report's first two columns); a type goes to the first
owner one of whose name pieces it contains.
"""
import sys
def load(f):
    rows={}
    for l in open(f):
        p=l.split(None,2)
        if len(p)<3: continue
        try: b=int(p[0].replace(',','')); c=int(p[1].replace(',',''))
        except: continue
        t=p[2].strip()
        rows[t]=rows.get(t,0)+(b*c if c>1 else b)
    return rows
cats=[
 ('.NET socket (Socket, SafeSocketHandle, SocketAsyncContext, the pending zero-byte receive: AwaitableSocketAsyncEventArgs, BufferMemoryReceiveOperation and its callback; addresses; the epoll engine\'s tables)',
  ['AwaitableSocketAsyncEventArgs','SocketAsyncContext','BufferMemoryReceiveOperation','System.Net.Sockets.Socket ','SafeSocketHandle','System.Action<System.Int32,System.Memory','SocketAddress','IPEndPoint','System.Net.IPAddress','SocketIOEvent']),
 ('ActorTcp transport (SocketTransport, the async receive loop\'s state machine)',['ActorTcp.Actors.Transport.SocketTransport','WaitThenReceiveAsync']),
 ('Akka actor (ActorCell, LocalActorRef, path, mailbox and its queue, Props/Deploy/producer kept by the cell, the parent\'s child stats and container, behaviour delegates)',
  ['Akka.Actor.ActorCell','Akka.Actor.LocalActorRef','ChildActorPath','Akka.Dispatch.Mailbox','SmallQueue','Queue<Akka.Actor.Envelope>','Akka.Actor.Envelope[]','Akka.Actor.Props','Akka.Actor.Deploy','Producer','ChildRestartStats','SortedInt32KeyNode','Akka.Actor.Receive ','Akka.Actor.DefaultActorState','Slot<Akka.Actor.Envelope>']),
 ('Akka full actor state (after a second Become: watch sets, behaviour stack)',['FullActorState','Dictionary<Akka.Actor.IActorRef,Akka.Util.Option','HashSet<Akka.Actor.IActorRef>','Stack<Akka.Actor.Receive>','Akka.Actor.Receive[]']),
 ('Timeout timer (an Akka scheduler registration with its cancelable; since change 5 the connection\'s LazyTimer, an entry of the system\'s timer wheel)',['SchedulerRegistration','ScheduledTell','Akka.Actor.Cancelable','CancellationTokenSource','ActorTcp.Actors.Connection.LazyTimer','ActorTcp.Actors.Connection.TimeoutClock']),
 ('Connection actor and its parts (request, connector, handler queue, read buffer, read-ahead, write pump)',
  ['ActorTcp.Actors.Connection.']),
 ('Lua side (LuaConnection, its callback references, the host\'s and session\'s tables of connections, the manager\'s set)',
  ['ActorTcp.LuaApi.Modules.LuaConnection','CallbackReferences','ValueTuple<System.Int64,System.Int32>','Dictionary<System.Int64,System.Int32>','Entry<System.Int64,System.Int32>','Entry<System.Int64,ActorTcp.LuaApi.Modules.LuaConnection>','Entry<System.Int64>[]','Entry<Akka.Actor.IActorRef>[]']),
]
args = sys.argv[1:]
N = 10000
if args[:1] == ['--connections']:
    N, args = int(args[1]), args[2:]
reports = [load(f) for f in args]
OTHER = 'other (strings, locks, arrays, the host\'s own objects)'
def cat_of(t):
    for name, keys in cats:
        for k in keys:
            if k in t: return name
    return OTHER
res = {}
for column, report in enumerate(reports):
    for t, size in report.items():
        res.setdefault(cat_of(t), [0] * len(reports))[column] += size
totals = [0] * len(reports)
for c in [c for c, _ in cats] + [OTHER]:
    row = res.get(c, [0] * len(reports))
    totals = [t + x for t, x in zip(totals, row)]
    print(f"| {c} | " + " | ".join(f"{x / N:,.0f}" for x in row) + " |")
print("| total managed per connection | " + " | ".join(f"{t / N:,.0f}" for t in totals) + " |")
